/**
 * Counters, gauges and histograms for the hot paths (every request, every ingested batch): a
 * series is a plain object the caller keeps and bumps, with no label hashing per update
 * (prom-client hashes the label set on every call, which costs more than the rest of a small
 * request's accounting). Rendered in the Prometheus text format on scrape, next to
 * prom-client's registry.
 */

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const num = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n));

/** One series of a counter or gauge. */
export interface ValueSeries {
  value: number;
}

/** One series of a histogram: per-bucket (not cumulative) counts, the last slot is +Inf. */
export interface HistogramSeries {
  counts: Float64Array;
  sum: number;
  count: number;
}

interface Family {
  render(out: string[]): void;
}

abstract class Labelled<S> implements Family {
  protected readonly series = new Map<string, { values: readonly string[]; s: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  protected abstract create(): S;
  protected abstract lines(out: string[], labels: string, s: S): void;
  protected abstract readonly type: string;

  /** The series of these label values (created empty); keep it and update it directly. */
  child(...values: string[]): S {
    if (values.length !== this.labelNames.length) throw new Error(`${this.name}: ${this.labelNames.length} label values expected`);
    const key = values.join('\u0001');
    let e = this.series.get(key);
    if (!e) this.series.set(key, (e = { values, s: this.create() }));
    return e.s;
  }

  /** Drop the series of these label values. */
  remove(...values: string[]): void {
    this.series.delete(values.join('\u0001'));
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`);
    for (const { values, s } of this.series.values()) this.lines(out, values.map((v, i) => `${this.labelNames[i]}="${escape(v)}"`).join(','), s);
  }
}

export class FastCounter extends Labelled<ValueSeries> {
  protected readonly type: string = 'counter';
  protected create(): ValueSeries {
    return { value: 0 };
  }
  protected lines(out: string[], labels: string, s: ValueSeries): void {
    out.push(`${this.name}${labels ? `{${labels}}` : ''} ${num(s.value)}`);
  }
}

export class FastGauge extends FastCounter {
  protected override readonly type = 'gauge';
}

export class FastHistogram extends Labelled<HistogramSeries> {
  protected readonly type = 'histogram';

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, labelNames);
  }

  protected create(): HistogramSeries {
    return { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
  }

  observe(s: HistogramSeries, v: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    s.counts[i]++;
    s.sum += v;
    s.count++;
  }

  protected lines(out: string[], labels: string, s: HistogramSeries): void {
    const sep = labels ? `${labels},` : '';
    let cumulative = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += s.counts[i];
      out.push(`${this.name}_bucket{${sep}le="${num(this.buckets[i])}"} ${cumulative}`);
    }
    out.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`, `${this.name}_sum${labels ? `{${labels}}` : ''} ${num(s.sum)}`, `${this.name}_count${labels ? `{${labels}}` : ''} ${s.count}`);
  }
}

/** The hot-path metric families of one app, rendered together. */
export class FastRegistry {
  private readonly families: Family[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): FastCounter {
    return this.add(new FastCounter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): FastGauge {
    return this.add(new FastGauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): FastHistogram {
    return this.add(new FastHistogram(name, help, labelNames, buckets));
  }

  private add<F extends Family>(f: F): F {
    this.families.push(f);
    return f;
  }

  /** The text exposition of every family (one per line; families in creation order). */
  render(): string {
    const out: string[] = [];
    for (const f of this.families) f.render(out);
    return out.length ? `${out.join('\n')}\n` : '';
  }
}
