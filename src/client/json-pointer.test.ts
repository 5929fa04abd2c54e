import { describe, expect, it } from 'vitest';
import { compilePointer, resolvePointer } from './json-pointer.js';

describe('JSON pointers', () => {
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'm~n': 8, ' ': 7, nested: { deep: { x: null } } };
  it('resolves the RFC 6901 examples', () => {
    const at = (p: string) => resolvePointer(doc, compilePointer(p));
    expect(at('')).toBe(doc);
    expect(at('/foo')).toEqual(['bar', 'baz']);
    expect(at('/foo/0')).toBe('bar');
    expect(at('/')).toBe(0);
    expect(at('/a~1b')).toBe(1);
    expect(at('/m~0n')).toBe(8);
    expect(at('/ ')).toBe(7);
    expect(at('/nested/deep/x')).toBeNull();
  });

  it('is undefined for missing steps, bad indexes and inherited properties', () => {
    const at = (p: string) => resolvePointer(doc, compilePointer(p));
    expect(at('/foo/2')).toBeUndefined();
    expect(at('/foo/01')).toBeUndefined();
    expect(at('/foo/-')).toBeUndefined();
    expect(at('/nested/nope/x')).toBeUndefined();
    expect(at('/toString')).toBeUndefined();
    expect(at('/__proto__')).toBeUndefined();
  });

  it('refuses malformed pointers', () => {
    expect(() => compilePointer('foo')).toThrow(/must start with \//);
    expect(() => compilePointer('/a~2')).toThrow(/escape/);
    expect(() => compilePointer('/a~')).toThrow(/escape/);
  });
});
