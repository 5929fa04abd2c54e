import fc from 'fast-check';

/**
 * Hostile JSON, generated as text: deep nesting, `__proto__` keys, lone surrogates and NUL
 * escapes cannot all be built as JS values and stringified (JSON.stringify overflows on deep
 * values and drops nothing, but `__proto__` as a literal key sets a prototype instead).
 */

export const INJECTIONS = [
  "'; DROP TABLE prediction_keys; --",
  "' OR '1'='1",
  '"; DELETE FROM models; --',
  '../../etc/passwd',
  '..\\..\\windows\\system32',
  '%00',
  '$(rm -rf /)',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '\\',
  'SELECT * FROM api_keys',
  'dwtest_schema.models',
];

/** Keys that mean something to JavaScript objects or databases. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ...INJECTIONS];

/** JSON text of one string: `raw` fragments are spliced in unescaped (lone surrogates, NUL as \u escapes). */
const str = (s: string) => JSON.stringify(s);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS).map(str),
  fc.constantFrom('"\\ud800"', '"a\\udc00b"', '"\\udbff\\udfff"', '"a\\u0000b"', '"\\u0000"', '"\\u001f\\u007f"', '"\\ufeff"', '"\\u202e"', '""', '" "'),
  fc.string({ unit: 'binary', maxLength: 40 }).map(str),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `\\u${c.toString(16)}`), minLength: 1, maxLength: 4 }).map((s) => `"${s}"`),
  fc.constantFrom(100_000, 1_000_000).map((n) => str('x'.repeat(n))),
  fc.constantFrom(200, 300).map((n) => str('é'.repeat(n))),
);

const hostileNumber: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1e308', '-1e308', '1.7976931348623157e308', '5e-324', '-0', '0', '9007199254740993', '-9007199254740993', '1e400', '-1e400', '1e-400', '123456789012345678901234567890', '0.1', '1', '2', '-1', '253402300800000', '8640000000000001'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
);

const deep: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 33, max: 10_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 33, max: 10_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 1000, max: 10_000 }).map((n) => '{"__proto__":'.repeat(n) + 'null' + '}'.repeat(n)),
);

/** JSON text of any hostile value, nested a few levels. */
export const hostileValue: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.constantFrom('true', 'false', 'null', '{}', '[]'),
    deep,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...HOSTILE_KEYS).map(str), hostileString), tie('value')), { maxLength: 4 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${k}:${v}`).join(',')}}`),
  ),
})).value;

/** Text that is not JSON at all, or is cut short. */
export const brokenJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '[', '{"a":', '{"a" 1}', "{'a': 1}", 'NaN', 'Infinity', 'undefined', '[1,]', '{"a":1,}', '\u0000', '\ufeff{}', '{"a":"\\x41"}', '{"a":"\\u12"}'),
  fc.string({ maxLength: 30 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

/**
 * A row that is valid except where it is not: `base` is a valid object; with some probability
 * one or two of `paths` (dotted; `+key` adds a key) are replaced by hostile JSON text.
 */
export function mutatedRow(base: Record<string, unknown>, paths: readonly string[]): fc.Arbitrary<{ text: string; mutated: boolean }> {
  const mutation = fc.tuple(fc.constantFrom(...paths), hostileValue);
  return fc.oneof(
    { arbitrary: fc.constant({ text: JSON.stringify(base), mutated: false }), weight: 5 },
    {
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }).map((ms) => {
        const copy = structuredClone(base);
        const texts: string[] = [];
        for (const [path, value] of ms) {
          const parts = path.split('.');
          let at = copy as Record<string, unknown>;
          for (const p of parts.slice(0, -1)) {
            if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
            at = at[p] as Record<string, unknown>;
          }
          const last = parts[parts.length - 1].replace(/^\+/, '');
          at[last] = `@@HOSTILE${texts.length}@@`;
          texts.push(value);
        }
        let text = JSON.stringify(copy);
        texts.forEach((v, i) => (text = text.replace(`"@@HOSTILE${i}@@"`, () => v)));
        return { text, mutated: true };
      }),
      weight: 4,
    },
    { arbitrary: hostileValue.map((text) => ({ text, mutated: true })), weight: 1 },
  );
}
