/**
 * JSON Pointers (RFC 6901): `/request/body/features`, `/response/body/probs/0`; `~1` is `/`
 * and `~0` is `~` inside a token. Parsed once, resolved per call.
 */
export type CompiledPointer = readonly string[];

/** Split a pointer into its tokens; throws on a pointer that does not start with '/' (or is not ''). */
export function compilePointer(pointer: string): CompiledPointer {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new SyntaxError(`"${pointer}" is not a JSON pointer (it must start with /)`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new SyntaxError(`"${pointer}" has a bad escape (only ~0 and ~1)`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** The value at `pointer` in `doc`, or undefined when any step is missing. Own properties only. */
export function resolvePointer(doc: unknown, pointer: CompiledPointer): unknown {
  let v = doc;
  for (const token of pointer) {
    if (Array.isArray(v)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      v = v[Number(token)];
    } else if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, token)) {
      v = (v as Record<string, unknown>)[token];
    } else return undefined;
  }
  return v;
}
