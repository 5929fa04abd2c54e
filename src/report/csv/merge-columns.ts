import type { CategoricalColumn, Column, NumericColumn } from './column-builders.js';

/** Columns read from a file, by name, with the number of data rows. */
export interface ColumnTable {
  readonly rowCount: number;
  readonly columns: ReadonlyMap<string, Column>;
}

/** One chunk's columns, in request order, as the range parser returns them. */
export interface ColumnChunk {
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

/** Concatenates chunks in order; categorical chunks are recoded onto one dictionary. */
export function mergeChunks(names: readonly string[], chunks: readonly ColumnChunk[]): ColumnTable {
  const rowCount = chunks.reduce((n, c) => n + c.rowCount, 0);
  const columns = new Map<string, Column>();
  names.forEach((name, k) => {
    const parts = chunks.map((c) => c.columns[k]);
    columns.set(name, parts[0]?.type === 'categorical' ? mergeCategorical(parts as CategoricalColumn[], rowCount) : mergeNumeric(parts as NumericColumn[], rowCount));
  });
  return { rowCount, columns };
}

function mergeNumeric(parts: readonly NumericColumn[], rows: number): NumericColumn {
  if (parts.length === 1) return parts[0];
  const values = new Float64Array(rows);
  let at = 0;
  for (const p of parts) {
    values.set(p.values, at);
    at += p.values.length;
  }
  return { type: 'numeric', values };
}

function mergeCategorical(parts: readonly CategoricalColumn[], rows: number): CategoricalColumn {
  if (parts.length === 1) return parts[0];
  const dictionary: string[] = [];
  const codeOf = new Map<string, number>();
  const codes = new Int32Array(rows);
  let at = 0;
  for (const p of parts) {
    const remap = p.dictionary.map((value) => {
      let code = codeOf.get(value);
      if (code === undefined) {
        code = dictionary.length;
        codeOf.set(value, code);
        dictionary.push(value);
      }
      return code;
    });
    const src = p.codes;
    for (let i = 0; i < src.length; i++) codes[at + i] = src[i] < 0 ? -1 : remap[src[i]];
    at += src.length;
  }
  return { type: 'categorical', codes, dictionary };
}
