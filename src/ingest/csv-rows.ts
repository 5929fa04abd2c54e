/** One CSV record: its fields and the line it starts on (1-based), or what is wrong with it. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** set when the record is malformed (the fields are what could be read) */
  error?: string;
}

export interface CsvOptions {
  /** field separator, one character (default ',') */
  delimiter?: string;
  /** a field longer than this (characters) stops the parse: usually an unterminated quote */
  maxFieldLength?: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** a quote inside a quoted field: either an escaped quote or the end of the field */
  QuoteInQuoted,
  /** after a closing quote, before a delimiter or line end */
  AfterQuoted,
  /** after a CR that ended a record: swallow an LF */
  AfterCr,
}

/**
 * An incremental RFC 4180 parser: quoted fields, `""` escapes, delimiters and line breaks
 * (CRLF, LF or CR) inside quotes, a UTF-8 BOM. Feed text with `push`, call `end` at the end;
 * completed records accumulate in `records` (take them with `take`). Blank lines are skipped.
 * Lenient where RFC 4180 is silent: a quote inside an unquoted field is kept literally; text
 * after a closing quote marks the record as malformed.
 */
export class CsvRowParser {
  private readonly delimiter: number;
  private readonly maxField: number;
  private state = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private quotedField = false;
  private error?: string;
  private line = 1;
  private recordLine = 1;
  private first = true;
  private records: CsvRecord[] = [];

  constructor(options: CsvOptions = {}) {
    const d = options.delimiter ?? ',';
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new Error(`the CSV delimiter must be one character other than a quote or a line break (got ${JSON.stringify(d)})`);
    this.delimiter = d.charCodeAt(0);
    this.maxField = options.maxFieldLength ?? 1 << 20;
  }

  /** Completed records so far, at most `max` of them (and forget them). */
  take(max = Number.POSITIVE_INFINITY): CsvRecord[] {
    if (this.records.length <= max) {
      const out = this.records;
      this.records = [];
      return out;
    }
    return this.records.splice(0, max);
  }

  get pending(): number {
    return this.records.length;
  }

  push(text: string): void {
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const n = text.length;
    const delim = this.delimiter;
    let i = 0;
    while (i < n) {
      const state = this.state;
      if (state === State.Quoted) {
        const q = text.indexOf('"', i);
        const end = q < 0 ? n : q;
        const part = text.slice(i, end);
        for (let k = part.indexOf('\n'); k >= 0; k = part.indexOf('\n', k + 1)) this.line++;
        this.append(part);
        i = end;
        if (q >= 0) {
          this.state = State.QuoteInQuoted;
          i++;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (state === State.QuoteInQuoted) {
        if (c === QUOTE) {
          this.append('"');
          this.state = State.Quoted;
          i++;
          continue;
        }
        this.state = State.AfterQuoted;
      } else if (state === State.AfterCr) {
        this.state = State.FieldStart;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (c === delim) {
        this.endField();
        i++;
      } else if (c === LF || c === CR) {
        this.endField();
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        this.state = c === CR ? State.AfterCr : State.FieldStart;
        i++;
      } else if (this.state === State.FieldStart && c === QUOTE) {
        this.state = State.Quoted;
        this.quotedField = true;
        i++;
      } else {
        if (this.state === State.AfterQuoted) this.error ??= `line ${this.line}: text after the closing quote of field ${this.fields.length + 1}`;
        else this.state = State.Unquoted;
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === delim || d === LF || d === CR) break;
          j++;
        }
        this.append(text.slice(i, j));
        i = j;
      }
    }
  }

  /** The input is complete: flush the last record. */
  end(): void {
    if (this.state === State.Quoted) {
      this.error ??= `line ${this.recordLine}: a quoted field is not closed before the end of the file`;
    }
    if (this.state !== State.FieldStart || this.fields.length > 0 || this.field.length > 0) {
      if (this.state !== State.AfterCr) {
        this.endField();
        this.endRecord();
      }
    }
    this.state = State.FieldStart;
  }

  private append(s: string): void {
    this.field += s;
    if (this.field.length > this.maxField) {
      throw new Error(`line ${this.recordLine}: a field is longer than ${this.maxField} characters (an unterminated quote?)`);
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRecord(): void {
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.quotedField;
    if (!blank) {
      const rec: CsvRecord = { line: this.recordLine, fields: this.fields };
      if (this.error) rec.error = this.error;
      this.records.push(rec);
    }
    this.fields = [];
    this.quotedField = false;
    this.error = undefined;
  }
}

/**
 * Read CSV records from a byte or text stream, in arrays of `chunkRecords` (the last may be
 * shorter). Memory stays
 * bounded by one chunk of input plus one array of records, whatever the file size.
 */
export async function* readCsvRecords(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, options: CsvOptions & { chunkRecords?: number } = {}): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvRowParser(options);
  const chunk = options.chunkRecords ?? 5000;
  const decoder = new TextDecoder('utf-8');
  for await (const piece of source) {
    parser.push(typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true }));
    while (parser.pending >= chunk) yield parser.take(chunk);
  }
  parser.push(decoder.decode());
  parser.end();
  while (parser.pending) yield parser.take(chunk);
}
