/** The label value that stands for every value past a label's cap. */
export const OTHER_LABEL = 'other';

/**
 * Keeps a label's distinct values bounded: the first `max` values seen (per scope, e.g. per
 * model) are kept, later new ones become `other`. For values clients choose freely (model
 * versions), so a client cannot blow up the number of series.
 */
export class BoundedLabel {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly max: number) {}

  value(scope: string, value: string): string {
    let set = this.seen.get(scope);
    if (!set) this.seen.set(scope, (set = new Set()));
    if (set.has(value)) return value;
    if (set.size >= this.max) return OTHER_LABEL;
    set.add(value);
    return value;
  }
}

/** A value from a fixed list, else `other`. */
export function oneOf(allowed: ReadonlySet<string>, value: string): string {
  return allowed.has(value) ? value : OTHER_LABEL;
}
