/**
 * Checks on text a client sends before it reaches the store. Two things break storage silently
 * or loudly: lone UTF-16 surrogates (both backends store UTF-8, so `"\ud800"` and `"\ud801"`
 * both become U+FFFD: distinct ids collide and columns named by them merge) and NUL characters
 * (PostgreSQL text cannot hold them: the query fails). JSON.stringify also overflows the stack
 * on deep nesting that JSON.parse accepts, so nested values are checked for depth first.
 */

type WellFormed = string & { isWellFormed(): boolean };

/** No lone surrogates (Node 20 has String.prototype.isWellFormed; TypeScript's ES2023 lib does not). */
export const isWellFormed = (s: string): boolean => (s as WellFormed).isWellFormed();

const CONTROL = /[\u0000-\u001f\u007f]/;

/** An identifier: 1–`max` characters, well-formed, no control characters. */
export const isPrintableId = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max && !CONTROL.test(v) && isWellFormed(v);

/** Free text (names, descriptions): well-formed, no control characters but tab and newlines. */
export const isSafeText = (s: string): boolean => isWellFormed(s) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);

/** Is `v` nested deeper than `max` levels of objects/arrays? Stops as soon as it knows. */
export function nestedDeeperThan(v: unknown, max: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (max <= 0) return true;
  for (const k in v) {
    if (nestedDeeperThan((v as Record<string, unknown>)[k], max - 1)) return true;
  }
  return false;
}

/**
 * The first place in a JSON value holding a string (or key) that cannot be stored: a lone
 * surrogate or NUL, or nesting deeper than `maxDepth`. Returns null when everything is fine.
 */
export function findUnstorableText(v: unknown, path: string, maxDepth = 32): { field: string; problem: string } | null {
  if (typeof v === 'string') {
    if (!isWellFormed(v)) return { field: path, problem: 'is not well-formed Unicode (lone surrogate)' };
    if (v.includes('\u0000')) return { field: path, problem: 'must not contain NUL characters' };
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  if (maxDepth <= 0) return { field: path, problem: 'is nested too deeply' };
  for (const k in v) {
    const at = Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${clip(k)}` : clip(k);
    if (!isWellFormed(k) || k.includes('\u0000')) return { field: at, problem: 'the key is not storable text (lone surrogate or NUL)' };
    const found = findUnstorableText((v as Record<string, unknown>)[k], at, maxDepth - 1);
    if (found) return found;
  }
  return null;
}

/** Keys in error messages are echoed back: keep them short. */
export const clip = (s: string, max = 64): string => (s.length > max ? `${s.slice(0, max)}…` : s);
