/**
 * JSON straight into bytes: exactly what `Buffer.from(JSON.stringify(row))` gives, byte for byte,
 * without the intermediate string, at a fraction of the cost for the rows a model logs.
 *
 * Logged rows are plain data that come in a few shapes (the same keys in the same order, row
 * after row). For each shape (an object's own enumerable keys, in order: what JSON.stringify
 * walks) seen twice, a writer is compiled once: it loads each member by name (monomorphic
 * property loads), writes the quoted key as constant bytes and the value straight into the
 * buffer. Once a row's shape and the shapes of the objects nested in it are compiled, one
 * writer is compiled for the whole row (nested objects checked and written inline, room
 * reserved once). Numbers that are exactly a short decimal (what features, probabilities and
 * attributions usually are) take an exact fixed-point path that remembers, per key, how many
 * decimals the last value had; strings are written as UTF-8 byte by byte. Anything not handled
 * exactly here (a BigInt, a class instance, a boxed primitive, a toJSON that answers an object,
 * a cycle or very deep nesting) makes the writer give up on the row, which the caller then
 * writes with JSON.stringify: the bytes are the same either way, only the cost differs. Where
 * code cannot be generated (`--disallow-code-generation-from-strings`), objects are walked
 * key by key instead.
 */

/** What writing a value did. */
const WROTE = 0;
/** undefined, a function or a symbol: left out of an object, `null` in an array */
const SKIPPED = 1;
/** not handled exactly here: the caller writes the row with JSON.stringify */
const BAIL = 2;
/** from a compiled members writer: the object does not have the shape's keys (or has a toJSON) */
const MISMATCH = -2;
/** from JsonBytes.members: the object has a toJSON method (nothing written) */
const HAS_TOJSON = -3;

/** nesting deeper than this is left to JSON.stringify (which also reports cycles) */
const MAX_DEPTH = 64;
/** decimals tried by the fixed-point number path before asking V8 */
const MAX_DECIMALS = 9;
/** strings longer than this are checked with one regular expression and copied natively */
const SHORT_STRING = 48;
/** a shape is compiled the second time it is seen, if it has at most this many keys… */
const MAX_SHAPE_KEYS = 256;
/** …and while fewer than this many shapes were compiled (objects used as maps have many) */
const MAX_SHAPES = 256;
/** shapes seen once that are remembered (to compile them when seen again) */
const MAX_SEEN = 4096;
/** a position whose objects changed keys this many times in a row is walked without shapes… */
const MAX_MISSES = 16;
/** …for this many objects, then shapes are tried again */
const RETRY_AFTER = 1024;
/** a row's writer inlines nested objects this deep at most… */
const MAX_TREE_DEPTH = 8;
/** …and this many members in all (beyond, nested objects go through their own writers) */
const MAX_TREE_MEMBERS = 1024;
/** row writers compiled in all, per process (a position whose nested shapes keep changing stops getting new ones; clients of a shape already compiled share its writer and cost nothing) */
const MAX_TREES = 64;
/** rows in a row that a row writer did not fit (other keys, or a nested shape that changed) before it is dropped */
const TREE_MISSES = 16;
/** bytes reserved per number by a row writer (the longest Number::toString is 24) */
const NUMBER_BYTES = 32;
/** strings this long at most are copied by code inline in a row writer (room for them is reserved as for a number) */
const INLINE_STRING = NUMBER_BYTES - 2;
/** numbers of a row written by code inline in its writer (the others call fixedAt): inlining one makes optimising the writer take longer (a 24-number row: 100 -> 250 ms, once per process) */
const MAX_INLINE_NUMBERS = 32;

/**
 * The fixed-decimal number path of row writers, as code inline in a block labelled `fast` (or
 * in fixedAt): v is the number (finite, not an integer), k ≥ 1 the decimals of its position's
 * last number. r is left at -1 when v is not exactly a decimal of k decimals or fewer and at
 * most 10 digits, or is below 1e-6 (written with an exponent); else it is set to the end of
 * v written at a as Number::toString writes it. Bytes past a may be written either way (room
 * for NUMBER_BYTES is reserved). m / 10^k is correctly rounded, so `m / p === x` holds exactly
 * when x is the double nearest that decimal; then, for the least such k (trailing zeros
 * dropped), its digits are the shortest that round to x (see exactAt). x < 2^31 / 10 is at
 * least 10^-k from an integer, far more than its rounding error: x | 0 is its whole part. The
 * whole part and the decimals are stored four digits at a time (DIGITS4).
 */
const FIXED_AT_CODE = `x = v; e = a;
if (x < 0) { x = -x; b[e++] = 45; }
if (!(x >= 1e-6)) break fast;
p = P10[k]; m = Math.floor(x * p + 0.5);
if (!(m < 2147483648) || m / p !== x) break fast;
m |= 0; q = (m / 10) | 0;
while (m - q * 10 === 0) { if (k === 1) break fast; m = q; q = (m / 10) | 0; k--; }
h = x | 0;
if (h >= 10000 || k > 8) { r = wf(b, e, m, k); break fast; }
g = (m - Math.imul(h, P32[k])) | 0;
if (h < 10) b[e++] = 48 + h;
else if (h < 100) { dv.setUint16(e, D4[h] >>> 16, true); e += 2; }
else if (h < 1000) { dv.setUint32(e, D4[h] >>> 8, true); e += 3; }
else { dv.setUint32(e, D4[h], true); e += 4; }
b[e++] = 46;
if (k <= 4) { dv.setUint32(e, D4[g] >>> (32 - 8 * k), true); r = e + k; }
else { q = (g / 10000) | 0; dv.setUint32(e, D4[q] >>> (64 - 8 * k), true); e += k - 4; dv.setUint32(e, D4[(g - q * 10000) | 0], true); r = e + 4; }`;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];
const HEX = '0123456789abcdef';
/** the two ASCII digits of 0…99 */
const DIGITS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGITS[2 * i] = 48 + Math.floor(i / 10);
  DIGITS[2 * i + 1] = 48 + (i % 10);
}
const POW10_32 = new Int32Array([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
/** the four ASCII digits of 0…9999 (zero-padded), first digit in the low byte: for little-endian 4-byte stores */
const DIGITS4 = new Uint32Array(10000);
for (let i = 0; i < 10000; i++) {
  const d = [Math.floor(i / 1000), Math.floor(i / 100) % 10, Math.floor(i / 10) % 10, i % 10];
  DIGITS4[i] = (48 + d[0]) | ((48 + d[1]) << 8) | ((48 + d[2]) << 16) | ((48 + d[3]) << 24);
}
// eslint-disable-next-line no-control-regex
const NOT_PLAIN_ASCII = /[\u0000-\u001f"\\\u0080-\uffff]/;
const OBJECT_PROTO = Object.prototype;

/**
 * A compiled writer of one shape's members: the member count, -1 to give up, or MISMATCH (having
 * written nothing) when the object's keys are not the shape's.
 */
type MembersWriter = (w: JsonBytes, o: Record<string, unknown>, depth: number, slot: Slot) => number;

interface Shape {
  keys: string[];
  /** undefined: not compiled (walked key by key) */
  write: MembersWriter | undefined;
  /** false while it may still be compiled (it was seen once) */
  final: boolean;
}

/**
 * What one position in the data (a row, the `features` of a row, the elements of an array…)
 * looked like last time: the shape of its object, the decimals of its number.
 */
export class Slot {
  shape: Shape | undefined = undefined;
  /** decimals of the last fixed-point number written here (0: none yet) */
  decimals = 0;
  /** objects in a row whose keys were not those of the one before */
  misses = 0;
  /** (a row's slot) rows still to leave to JSON.stringify (see JsonBytes.lastRowMostlyV8Numbers) */
  viaStringify = 0;
  /** (a row's slot) the whole-row writer compiled from the shapes below, if any */
  tree: Tree | undefined = undefined;
  /** (a row's slot) rows in a row the tree did not fit */
  treeMisses = 0;
  /** (a row's slot) whether it looked for a row writer after the budget was spent */
  treeSought = false;
  private kids: Slot[] | undefined = undefined;

  /** The slots below this one: [0] for an array's elements, [1 + i] for member i of the shape. */
  children(members: number): Slot[] {
    let kids = this.kids;
    if (kids === undefined || kids.length <= members) {
      kids = this.kids ??= [];
      while (kids.length <= members) kids.push(new Slot());
    }
    return kids;
  }
}

const shapes = new Map<string, Shape>();
const seenOnce = new Set<string>();
let compiled = 0;
let canCompile = true;

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The shape of these keys: compiled when seen before, else walked key by key. */
function shapeOf(keys: string[]): Shape {
  const signature = JSON.stringify(keys);
  const known = shapes.get(signature);
  if (known) return known;
  // an object with a toJSON key is walked: JSON.stringify may have to call it
  const compilable = canCompile && compiled < MAX_SHAPES && keys.length <= MAX_SHAPE_KEYS && !keys.includes('toJSON');
  if (compilable && seenOnce.has(signature)) {
    seenOnce.delete(signature);
    const shape: Shape = { keys, write: compileShape(keys), final: true };
    if (shape.write) compiled++;
    shapes.set(signature, shape);
    return shape;
  }
  const remembered = compilable && seenOnce.size < MAX_SEEN;
  if (remembered) seenOnce.add(signature);
  return { keys, write: undefined, final: !remembered };
}

/**
 * Generate the members writer of a shape. It first checks, walking the object's keys with
 * for…in (no allocation), that they are the shape's, in order (an enumerable property inherited
 * from Object.prototype also makes a mismatch: then Object.keys decides), and that it has no
 * toJSON (not even one it does not list). Per key: load the
 * member by name; a number, a string or an object is written after the constant bytes of
 * `,"key":` (stored four at a time); anything else goes through JsonBytes.member (undefined, booleans, null, functions…).
 */
function compileShape(keys: string[]): MembersWriter | undefined {
  const count = keys.length;
  const lines: string[] = [
    // a toJSON it has without listing it (not enumerable, or inherited): left to JSON.stringify
    `if (o.toJSON !== undefined) return ${MISMATCH};`,
    `let i = 0;`,
    `for (const k in o) { if (i === ${count} || k !== K[i]) return ${MISMATCH}; i++; }`,
    `if (i !== ${count}) return ${MISMATCH};`,
    `const c = s.children(${count}); let n = 0, v, b, dv, a, r, mark;`,
  ];
  keys.forEach((key, i) => {
    const quoted = Buffer.from(`${JSON.stringify(key)}:`);
    const parts: string[] = [];
    let j = 0;
    for (; j + 4 <= quoted.length; j += 4) parts.push(`dv.setUint32(a, ${quoted.readUInt32LE(j)}, true); a += 4;`);
    for (; j < quoted.length; j++) parts.push(`b[a++] = ${quoted[j]};`);
    const stores = parts.join(' ');
    lines.push(
      `v = o[${JSON.stringify(key)}];`,
      `if (typeof v === 'number' || typeof v === 'string') {`,
      `  w.reserve(${quoted.length + 1}); b = w.buf; dv = w.dv; a = w.at;`,
      `  if (n++ !== 0) b[a++] = 44;`,
      `  ${stores}`,
      `  w.at = a;`,
      `  if (typeof v === 'number') w.numberIn(v, c[${i + 1}]); else w.string(v);`,
      `} else if (typeof v === 'object' && v !== null) {`,
      `  w.reserve(${quoted.length + 1}); b = w.buf; dv = w.dv; a = mark = w.at;`,
      `  if (n !== 0) b[a++] = 44;`,
      `  ${stores}`,
      `  w.at = a;`,
      `  r = w.object(v, K[${i}], c[${i + 1}], d);`,
      `  if (r === ${BAIL}) return -1;`,
      `  if (r === ${SKIPPED}) w.at = mark; else n++;`,
      `} else {`,
      `  n = w.member(v, ${i}, K, n, c[${i + 1}], d);`,
      `  if (n < 0) return -1;`,
      `}`,
    );
  });
  lines.push('return n;');
  try {
    const factory = new Function('K', `return function members(w, o, d, s) {\n${lines.join('\n')}\n};`) as (k: string[]) => MembersWriter;
    return factory(keys);
  } catch {
    canCompile = false; // code generation is disallowed here
    return undefined;
  }
}

/**
 * A compiled writer of a whole row: `{` and the members, with the objects nested in it written
 * inline (their own checks in place of a call to their members writer); the member count, -1 to
 * give up, or MISMATCH (having written nothing) when the row does not have its shape's keys.
 */
type TreeWriter = (w: JsonBytes, o: Record<string, unknown>, slots: Slot[]) => number;

interface Tree {
  write: TreeWriter;
  /** the positions whose decimals it reads and keeps (this client's: the function is shared) */
  slots: Slot[];
  /** the row's shape it was compiled for */
  shape: Shape;
  /** the positions below (objects written inline, and the other members) and their shapes then */
  deps: { slot: Slot; shape: Shape | undefined; inlined: boolean }[];
}


type TreeFactory = (
  ks: string[][],
  fixed: FixedAt,
  gp: typeof Object.getPrototypeOf,
  op: object,
  p10: number[],
  p32: Int32Array,
  d4: Uint32Array,
  wf: typeof writeFixed32,
) => TreeWriter;
/**
 * By code: a position of the same shapes (another client's rows) gets the very function made
 * and optimised before. Its per-client state (the positions' decimals) comes in as an argument,
 * not from its closure: a closure per client would be optimised once per client (V8 specialises
 * optimised code to the context of a function made once), each time running unoptimised for
 * the first tens of thousands of rows.
 */
const treeWriters = new Map<string, TreeWriter>();

/** FIXED_AT_CODE as a function: the end, or -1 */
type FixedAt = (b: Buffer, dv: DataView, at: number, x: number, k: number) => number;
type FixedAtFactory = (p10: number[], p32: Int32Array, d4: Uint32Array, wf: typeof writeFixed32) => FixedAt;
/** compiled with the first row writer */
let fixedAt: FixedAt | undefined;

/** Whether the objects at this position are written inline by a row writer compiled now. */
function inlinable(slot: Slot): boolean {
  const shape = slot.shape;
  return shape !== undefined && shape.final && shape.write !== undefined && slot.misses === 0;
}

/** Whether a position below the tree has an object shape other than the one compiled in (or one worth compiling in now). */
function stale(tree: Tree): boolean {
  for (const d of tree.deps) if (d.slot.shape !== d.shape && (d.inlined || inlinable(d.slot))) return true;
  return false;
}

/**
 * The writer of a row whose shape (and the shapes of the objects below it) are compiled: one
 * function for the whole tree, so that a row costs no call per nested object and reserves room
 * once for all the constant bytes and numbers (again only after a call that may write any
 * number of bytes: a string, a member of another type). Each nested object is checked in place
 * as its members writer would (plain, no toJSON, the shape's keys in order); one that is not is
 * written by JsonBytes.member, as the members writer would, and flagged so that a position
 * whose shape changed gets a new tree. A number whose position's last one had k decimals is
 * written by FIXED_AT_CODE when it has exactly k decimals or fewer, else by numberIn.
 */
function compileTree(row: Slot): Tree | undefined {
  const shape = row.shape!;
  const keyLists: string[][] = [shape.keys];
  const slots: Slot[] = [];
  const deps: Tree['deps'] = [];
  let levels = 0;
  let members = shape.keys.length;
  let inlineNumbers = MAX_INLINE_NUMBERS;
  const keyStores = (text: string): [string, number] => {
    const bytes = Buffer.from(text);
    const parts: string[] = [];
    let j = 0;
    for (; j + 4 <= bytes.length; j += 4) parts.push(`dv.setUint32(a, ${bytes.readUInt32LE(j)}, true); a += 4;`);
    for (; j < bytes.length; j++) parts.push(`b[a++] = ${bytes[j]};`);
    return [parts.join(' '), bytes.length];
  };
  const reload = (bytes: number) => `w.reserve(${bytes}); b = w.buf; dv = w.dv; a = w.at;`;

  /**
   * The members of the object in o<L> (keys K<kl>, at `depth`), followed by code that writes at
   * most `tail` bytes before its first call: the code and the most bytes written before a call.
   */
  function level(keys: string[], slot: Slot, depth: number, L: number, kl: number, tail: number): { code: string; bound: number } {
    const kids = slot.children(keys.length);
    const blocks: string[] = []; // generated back to front, for the bounds
    let after = tail; // the most bytes written from member i + 1 on before a call
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = JSON.stringify(keys[i]);
      const c = kids[i + 1];
      const s = `s${slots.push(c) - 1}`;
      const comma = `if (n${L}++ !== 0) b[a++] = 44;`;
      const generic = `w.at = a; n${L} = w.member(v, ${i}, K${kl}, n${L}, ${s}, ${depth}); if (n${L} < 0) return -1; ${reload(after)}`;
      const sub = c.shape;
      if (sub !== undefined && inlinable(c) && depth < MAX_TREE_DEPTH && members + sub.keys.length <= MAX_TREE_MEMBERS) {
        deps.push({ slot: c, shape: sub, inlined: true });
        members += sub.keys.length;
        const M = ++levels;
        const km = keyLists.push(sub.keys) - 1;
        const inner = level(sub.keys, c, depth + 1, M, km, 1 + after);
        const [stores, length] = keyStores(`${key}:{`);
        blocks.unshift([
          `v = o${L}[${key}];`,
          `if (typeof v === 'object' && v !== null && ((p = gp(v)) === OP || p === null) && v.toJSON === undefined) {`,
          `  i = 0; for (const x in v) { if (i === ${sub.keys.length} || x !== K${km}[i]) { i = -1; break; } i++; }`,
          `} else i = -1;`,
          `if (i === ${sub.keys.length}) {`,
          `  o${M} = v; n${M} = 0;`,
          `  ${comma} ${stores}`,
          inner.code,
          `  b[a++] = 125;`,
          `} else {`,
          `  w.treeFallback = true;`,
          `  ${generic}`,
          `}`,
        ].join('\n'));
        after = 1 + length + inner.bound;
        continue;
      }
      deps.push({ slot: c, shape: sub, inlined: false });
      const [stores, length] = keyStores(`${key}:`);
      blocks.unshift([
        `v = o${L}[${key}];`,
        `if (typeof v === 'number' || typeof v === 'string' || v === true || v === false || v === null) {`,
        `  ${comma} ${stores}`,
        `  if (typeof v === 'number') {`,
        `    r = -1;`,
        `    ${inlineNumbers-- > 0 ? `fast: if ((k = ${s}.decimals) !== 0) { ${FIXED_AT_CODE} }` : `if ((k = ${s}.decimals) !== 0) r = fixedAt(b, dv, a, v, k);`}`,
        `    if (r < 0) { w.at = a; w.numberIn(v, ${s}); b = w.buf; dv = w.dv; a = w.at; } else { a = r; f++; }`,
        `  } else if (typeof v === 'string') {`,
        // a short string of printable ASCII without " or \\ is copied here (room for it was reserved), the rest by JsonBytes.string
        `    e = v.length; j = -1;`,
        `    if (e <= ${INLINE_STRING}) { b[a] = 34; for (j = 0; j < e; j++) { c = v.charCodeAt(j); if (c < 32 || c > 126 || c === 34 || c === 92) break; b[a + 1 + j] = c; } }`,
        `    if (j === e) { b[a + 1 + e] = 34; a += e + 2; } else { w.at = a; w.string(v); ${reload(after)} }`,
        `  }`,
        `  else if (v === true) { dv.setUint32(a, 1702195828, true); a += 4; }`, // true
        `  else if (v === false) { dv.setUint32(a, 1936482662, true); a += 4; b[a++] = 101; }`, // false
        `  else { dv.setUint32(a, 1819047278, true); a += 4; }`, // null
        `} else {`,
        `  if (typeof v === 'object') w.treeFallback = true;`,
        `  ${generic}`,
        `}`,
      ].join('\n'));
      after = 1 + length + NUMBER_BYTES + after;
    }
    return { code: blocks.join('\n'), bound: after };
  }

  const body = level(shape.keys, row, 0, 0, 0, 0);
  const vars = ['o0 = o', 'n0 = 0'];
  for (let L = 1; L <= levels; L++) vars.push(`o${L}`, `n${L} = 0`);
  const source = [
    `return function tree(w, o, S) {`,
    `const ${slots.map((_, j) => `s${j} = S[${j}]`).join(', ') || '_ = 0'};`,
    `if (o.toJSON !== undefined) return ${MISMATCH};`,
    `let i = 0;`,
    `for (const x in o) { if (i === ${shape.keys.length} || x !== K0[i]) return ${MISMATCH}; i++; }`,
    `if (i !== ${shape.keys.length}) return ${MISMATCH};`,
    `w.reserve(${1 + body.bound});`,
    `let b = w.buf, dv = w.dv, a = w.at, v, p, k, r, x, e, m, q, h, g, j, c, f = 0, ${vars.join(', ')};`,
    `b[a++] = 123;`,
    body.code,
    `w.at = a; w.numbers += f;`,
    `return n0;`,
    `};`,
  ];
  const names = keyLists.map((_, j) => `K${j} = KS[${j}]`);
  try {
    // the rows of another client of the same shape get the same code (optimised once)
    const code = `const ${names.join(', ')};\n${source.join('\n')}`;
    let write = treeWriters.get(code);
    fixedAt ??= (new Function('P10', 'P32', 'D4', 'wf', `return function fixedAt(b, dv, a, v, k) {\nlet x, e, p, m, q, h, g, r = -1;\nfast: {\n${FIXED_AT_CODE}\n}\nreturn r;\n};`) as FixedAtFactory)(
      POW10,
      POW10_32,
      DIGITS4,
      writeFixed32,
    );
    if (write === undefined) {
      if (treeWriters.size >= MAX_TREES) return undefined; // the budget is spent: this position keeps its members writers
      const factory = new Function('KS', 'fixedAt', 'gp', 'OP', 'P10', 'P32', 'D4', 'wf', code) as TreeFactory;
      write = factory(keyLists, fixedAt, Object.getPrototypeOf, OBJECT_PROTO, POW10, POW10_32, DIGITS4, writeFixed32);
      treeWriters.set(code, write);
    }
    return { write, slots, shape, deps };
  } catch {
    canCompile = false;
    return undefined;
  }
}

/** Bytes to append as they are (JsonBytes.constant), kept as little-endian 4-byte words (the last one padded). */
export class ConstantBytes {
  readonly length: number;
  readonly words: Uint32Array;

  constructor(bytes: string | Uint8Array) {
    const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    this.length = b.length;
    const padded = Buffer.alloc(Math.ceil(b.length / 4) * 4);
    padded.set(b);
    this.words = new Uint32Array(padded.length / 4);
    for (let i = 0; i < this.words.length; i++) this.words[i] = padded.readUInt32LE(4 * i);
  }
}

/**
 * A growable byte buffer that JSON values are appended to. `buf.subarray(0, at)` is what was
 * written; a row that could not be written exactly leaves `at` where it was.
 */
export class JsonBytes {
  buf: Buffer;
  /** @internal a view of buf, for the compiled writers' 4-byte stores of key bytes */
  dv: DataView;
  at = 0;
  private readonly looseSlot = new Slot();
  /** @internal numbers written in the current row, and how many of them by V8 */
  numbers = 0;
  private viaV8 = 0;
  /** @internal set by a row writer that wrote an object below the row through JsonBytes.member */
  treeFallback = false;
  private lastInteger = NaN;
  private lastIntegerBytes = new ConstantBytes('');

  /**
   * @param bufferOrBytes the buffer to write into, or its size to allocate
   * @param rowSlot what the rows written by openObject looked like so far (pass the same one
   *   from batch to batch so that each batch starts with the shapes and decimals known)
   */
  constructor(
    bufferOrBytes: Buffer | number,
    private readonly rowSlot: Slot = new Slot(),
  ) {
    this.buf = typeof bufferOrBytes === 'number' ? Buffer.allocUnsafe(Math.max(1024, bufferOrBytes)) : bufferOrBytes;
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Make room for `bytes` more bytes. */
  reserve(bytes: number): void {
    if (this.buf.length - this.at >= bytes) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
    this.dv = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  /** Append text as it is (already JSON, or a separator). */
  raw(text: string): void {
    this.reserve(text.length * 3);
    this.at += this.buf.write(text, this.at, 'utf8');
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.at++] = b;
  }

  /** Append bytes as they are. */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < b.length; i++) buf[at++] = b[i];
    this.at = at;
  }

  /**
   * Append `row` as JSON.stringify(row) would, leaving its closing brace off so members can be
   * added; returns the number of members written, or -1 (and nothing written) when the row is not
   * a plain object this writer handles exactly, or reading it threw.
   */
  openObject(row: object): number {
    const start = this.at;
    this.numbers = 0;
    this.viaV8 = 0;
    try {
      const proto = Object.getPrototypeOf(row) as unknown;
      // a toJSON on Object.prototype would apply to every plain object: left to JSON.stringify
      if ((proto !== OBJECT_PROTO && proto !== null) || 'toJSON' in OBJECT_PROTO) return this.undo(start);
      const slot = this.rowSlot;
      const tree = slot.tree;
      if (tree !== undefined) {
        this.treeFallback = false;
        const n = tree.write(this, row as Record<string, unknown>, tree.slots);
        if (n !== MISMATCH) {
          if (n < 0) return this.undo(start);
          // an object below written the long way: a position whose shape changed (not a null now and then) gets a new tree
          if (!this.treeFallback) slot.treeMisses = 0;
          else if (++slot.treeMisses >= TREE_MISSES && stale(tree)) slot.tree = undefined;
          return n;
        }
        if (++slot.treeMisses >= TREE_MISSES) slot.tree = undefined; // the rows have other keys now
      }
      const n = this.members(row as Record<string, unknown>, slot, 0);
      if (n < 0) return this.undo(start);
      if (slot.tree === undefined) plantTree(slot);
      return n;
    } catch {
      return this.undo(start);
    }
  }

  /**
   * Whether the last row was mostly numbers that only V8 writes exactly (raw floats): such rows
   * go faster through JSON.stringify, which writes those without making a string of each.
   */
  lastRowMostlyV8Numbers(): boolean {
    return this.viaV8 > 4 && this.viaV8 * 2 > this.numbers;
  }

  private undo(start: number): -1 {
    this.at = start;
    return -1;
  }

  /**
   * `{` and the members of a plain object, without `}`; the member count, -1 to give up, or
   * HAS_TOJSON (nothing written) when the object has a toJSON method.
   */
  private members(o: Record<string, unknown>, slot: Slot, depth: number): number {
    if (depth > MAX_DEPTH) return -1;
    this.reserve(1);
    const start = this.at;
    this.buf[this.at++] = 123; // {
    const shape = slot.shape;
    if (shape !== undefined && shape.write !== undefined) {
      const n = shape.write(this, o, depth, slot);
      if (n !== MISMATCH) return n;
    }
    return this.membersSlow(o, slot, depth, start);
  }

  /** members() when the object is not of its position's compiled shape (kept apart: members() stays small). */
  private membersSlow(o: Record<string, unknown>, slot: Slot, depth: number, start: number): number {
    const keys = Object.keys(o);
    if (typeof o.toJSON === 'function') {
      this.at = start; // JSON.stringify would call it, with the key only the caller knows
      return HAS_TOJSON;
    }
    // an object used as a map (other keys every time) is walked as it is: looking its keys up
    // as a shape would cost more than it saves. Every so often, look again.
    let shape = slot.shape;
    if (slot.misses >= MAX_MISSES) {
      if (++slot.misses === MAX_MISSES + RETRY_AFTER) slot.misses = 0;
      shape = undefined;
    } else if (shape === undefined || !shape.final || !sameKeys(shape.keys, keys)) {
      if (shape !== undefined && shape.final) slot.misses++;
      slot.shape = shape = shapeOf(keys);
    } else slot.misses = 0;
    if (shape?.write) {
      const n = shape.write(this, o, depth, slot);
      if (n !== MISMATCH) return n;
      this.at = start + 1; // its keys changed under us (a getter?): walk them as they are now
    }
    const kids = slot.children(keys.length);
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      n = this.member(o[keys[i]], i, keys, n, kids[i + 1], depth);
      if (n < 0) return -1;
    }
    return n;
  }

  /**
   * @internal Member `keys[i]` with value `v`, after `n` members: the new member count (the
   * same when the member is left out: undefined, a function, a symbol), or -1 to give up.
   */
  member(v: unknown, i: number, keys: string[], n: number, slot: Slot, depth: number): number {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return n;
    const mark = this.at;
    if (n > 0) this.byte(44); // ,
    this.string(keys[i]);
    this.byte(58); // :
    const r = this.value(v, keys[i], slot, depth);
    if (r === BAIL) return -1;
    if (r === SKIPPED) {
      this.at = mark; // a toJSON answered undefined
      return n;
    }
    return n + 1;
  }

  /** One value, as the member `key` (or element `key`) of its holder. */
  private value(v: unknown, key: string | number, slot: Slot, depth: number): number {
    switch (typeof v) {
      case 'number':
        this.numberIn(v, slot);
        return WROTE;
      case 'string':
        this.string(v);
        return WROTE;
      case 'boolean':
        if (v) this.ascii4(116, 114, 117, 101); // true
        else {
          this.ascii4(102, 97, 108, 115); // fals
          this.buf[this.at++] = 101; // e
        }
        return WROTE;
      case 'object':
        if (v === null) {
          this.ascii4(110, 117, 108, 108); // null
          return WROTE;
        }
        return this.object(v, key, slot, depth);
      case 'bigint':
        return BAIL;
      default: // undefined, function, symbol
        return SKIPPED;
    }
  }

  /**
   * @internal A non-null object as the member or element `key` of its holder: WROTE, SKIPPED
   * (its toJSON answered undefined) or BAIL.
   */
  object(v: object, key: string | number, slot: Slot, depth: number): number {
    if (!Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto === OBJECT_PROTO || proto === null) {
        const n = this.members(v as Record<string, unknown>, slot, depth + 1);
        if (n >= 0) {
          this.byte(125); // }
          return WROTE;
        }
        if (n !== HAS_TOJSON) return BAIL;
      }
    }
    // an array, an instance of a class or an object with a toJSON: what its toJSON answers
    // (Dates), else left to JSON.stringify
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const answer: unknown = toJSON.call(v, String(key));
      if (typeof answer === 'object' && answer !== null) return BAIL; // used as is, toJSON and all: left to JSON.stringify
      return this.value(answer, key, slot, depth);
    }
    return Array.isArray(v) ? this.array(v, slot, depth + 1) : BAIL; // class instances, boxed primitives, Maps…
  }

  private array(a: unknown[], slot: Slot, depth: number): number {
    if (depth > MAX_DEPTH) return BAIL;
    const elements = slot.children(0)[0];
    this.byte(91); // [
    for (let i = 0; i < a.length; i++) {
      if (i > 0) this.byte(44);
      const v = a[i];
      const r = typeof v === 'number' ? (this.numberIn(v, elements), WROTE) : this.value(v, i, elements, depth);
      if (r === BAIL) return BAIL;
      if (r === SKIPPED) this.ascii4(110, 117, 108, 108); // null
    }
    this.byte(93); // ]
    return WROTE;
  }

  private ascii4(a: number, b: number, c: number, d: number): void {
    this.reserve(5);
    const buf = this.buf;
    let at = this.at;
    buf[at++] = a;
    buf[at++] = b;
    buf[at++] = c;
    buf[at++] = d;
    this.at = at;
  }

  /** A string known to be printable ASCII without `"` or `\` (a generated UUID), quoted. */
  asciiString(s: string): void {
    const len = s.length;
    if (len > SHORT_STRING) {
      this.reserve(len + 2);
      this.buf[this.at++] = 34;
      this.at += this.buf.write(s, this.at, len, 'latin1'); // a C++ crossing: worth it for long strings only
      this.buf[this.at++] = 34;
      return;
    }
    this.reserve(len + 5);
    const buf = this.buf;
    const dv = this.dv;
    let at = this.at;
    buf[at++] = 34;
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      dv.setUint32(at, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24), true);
      at += 4;
    }
    for (; i < len; i++) buf[at++] = s.charCodeAt(i);
    buf[at++] = 34;
    this.at = at;
  }

  /** Constant bytes (see ConstantBytes), stored four at a time. */
  constant(c: ConstantBytes): void {
    this.reserve(c.length + 3);
    const dv = this.dv;
    const words = c.words;
    const at = this.at;
    for (let i = 0; i < words.length; i++) dv.setUint32(at + 4 * i, words[i], true);
    this.at = at + c.length;
  }

  /** An integer like the last one written here (epoch milliseconds of rows logged together): its digits are kept. */
  repeatedInteger(n: number): void {
    if (n !== this.lastInteger) {
      const start = this.at;
      this.number(n);
      this.lastInteger = n;
      this.lastIntegerBytes = new ConstantBytes(this.buf.subarray(start, this.at));
      return;
    }
    this.constant(this.lastIntegerBytes);
  }

  /** A JSON string, as JSON.stringify quotes it (UTF-8; lone surrogates as \udxxx escapes). */
  string(s: string): void {
    const len = s.length;
    if (len > SHORT_STRING) {
      if (!NOT_PLAIN_ASCII.test(s)) {
        this.reserve(len + 2);
        this.buf[this.at++] = 34;
        this.at += this.buf.write(s, this.at, len, 'latin1');
        this.buf[this.at++] = 34;
      } else this.raw(JSON.stringify(s));
      return;
    }
    this.reserve(len * 6 + 2);
    const buf = this.buf;
    let at = this.at;
    buf[at++] = 34;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 32 && c < 128) {
        if (c === 34 || c === 92) buf[at++] = 92; // \" and \\
        buf[at++] = c;
      } else if (c < 32) {
        buf[at++] = 92;
        if (c === 10) buf[at++] = 110; // \n
        else if (c === 13) buf[at++] = 114; // \r
        else if (c === 9) buf[at++] = 116; // \t
        else if (c === 8) buf[at++] = 98; // \b
        else if (c === 12) buf[at++] = 102; // \f
        else at = unicodeEscape(buf, at, c);
      } else if (c < 0x800) {
        buf[at++] = 0xc0 | (c >> 6);
        buf[at++] = 0x80 | (c & 63);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[at++] = 0xf0 | (cp >> 18);
          buf[at++] = 0x80 | ((cp >> 12) & 63);
          buf[at++] = 0x80 | ((cp >> 6) & 63);
          buf[at++] = 0x80 | (cp & 63);
          i++;
        } else {
          buf[at++] = 92;
          at = unicodeEscape(buf, at, c); // a lone surrogate, as well-formed JSON.stringify writes it
        }
      } else {
        buf[at++] = 0xe0 | (c >> 12);
        buf[at++] = 0x80 | ((c >> 6) & 63);
        buf[at++] = 0x80 | (c & 63);
      }
    }
    buf[at++] = 34;
    this.at = at;
  }

  /** A number as JSON.stringify writes it (Number::toString; NaN and ±Infinity as null). */
  number(x: number): void {
    this.numberIn(x, this.looseSlot);
  }

  /**
   * @internal A number, trying first the decimals the slot's last number had. Integers below
   * 2^53 and numbers that are exactly a decimal of at most MAX_DECIMALS decimals and 15
   * significant digits, ≥ 1e-6, are written digit by digit; the rest by V8.
   */
  numberIn(x: number, slot: Slot): void {
    this.numbers++;
    if (x !== x || x === Infinity || x === -Infinity) {
      this.ascii4(110, 117, 108, 108); // null
      return;
    }
    this.reserve(32);
    const buf = this.buf;
    let at = this.at;
    if (x < 0) {
      buf[at++] = 45; // -
      x = -x;
    }
    if (x < 2147483648 && (x | 0) === x) {
      this.at = writeInt32(buf, at, x | 0); // -0 comes out as 0, as in JSON
      return;
    }
    if (x < 9007199254740992 && Math.floor(x) === x) {
      const n = digitCount(x);
      writeDigitsBack(buf, at + n, x, n);
      this.at = at + n;
      return;
    }
    if (x >= 1e-6 && x < 1e15) {
      // the least k with x = m / 10^k exactly (m < 10^15). Below the digit limit, exact at k
      // means exact at every larger k: so try the slot's last k, else the most decimals (one try
      // tells a number with more decimals than that, e.g. a raw float), then walk down
      let k = slot.decimals || MAX_DECIMALS;
      let m = exactAt(x, k);
      if (m === NOT_EXACT && k < MAX_DECIMALS) m = exactAt(x, (k = MAX_DECIMALS));
      while (m === TOO_LONG && k > 1) m = exactAt(x, --k);
      if (m >= 0) {
        // m is unique at k (15 digits at most), so the least k is where its trailing zeros end
        let least = k;
        if (m < 2147483648) {
          let a = m | 0; // int32 division by 10 is a multiplication; a double's % is a call
          for (let q = (a / 10) | 0; least > 1 && a - q * 10 === 0; q = (a / 10) | 0) {
            a = q;
            least--;
          }
          m = a;
        } else {
          for (let q = Math.floor(m / 10); least > 1 && m - q * 10 === 0; q = Math.floor(m / 10)) {
            m = q;
            least--;
          }
        }
        // a position keeps its precision (3.14, 2.5 and 1.125 in one column of 3 decimals): remember
        // the k that was exact, unless it was the most decimals tried
        slot.decimals = k === MAX_DECIMALS ? least : k;
        this.at = m < 2147483648 ? writeFixed32(buf, at, m, least) : writeFixed(buf, at, m, least);
        return;
      }
      slot.decimals = 0;
    }
    this.viaV8++;
    const text = String(x);
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
    this.at = at;
  }
}

/** Compile the row writer of a row position whose shape is compiled, while the budget lasts. */
function plantTree(slot: Slot): void {
  const shape = slot.shape;
  if (!canCompile || shape === undefined || !shape.final || shape.write === undefined || slot.misses !== 0) return;
  // once the budget is spent, a position looks once for a writer compiled before (another client's)
  if (treeWriters.size >= MAX_TREES) {
    if (slot.treeSought) return;
    slot.treeSought = true;
  }
  slot.tree = compileTree(slot);
  slot.treeMisses = 0;
}

const NOT_EXACT = -1;
const TOO_LONG = -2;

/**
 * The integer m with x = the double nearest to m / 10^k (x > 0, not an integer), if there is one
 * below 10^15; else NOT_EXACT or, when the m it would take has more than 15 digits, TOO_LONG.
 * `m / 10^k` is correctly rounded, so comparing it with x is exact; the digits of m with the
 * point k places from the right, for the least such k, are what Number::toString writes (the
 * shortest decimal that rounds to x; with at most 15 significant digits there is one). The
 * subtraction first skips the division for the k that are far off.
 */
function exactAt(x: number, k: number): number {
  const p = POW10[k];
  const y = x * p;
  const m = Math.floor(y + 0.5); // the integer nearest y (or next to it: the test below is exact either way)
  if (m >= 1e15) return TOO_LONG;
  const d = y - m;
  return d <= y * 1e-14 && d >= -y * 1e-14 && m / p === x ? m : NOT_EXACT;
}

function unicodeEscape(buf: Buffer, at: number, c: number): number {
  buf[at++] = 117; // u
  buf[at++] = HEX.charCodeAt(c >> 12);
  buf[at++] = HEX.charCodeAt((c >> 8) & 15);
  buf[at++] = HEX.charCodeAt((c >> 4) & 15);
  buf[at++] = HEX.charCodeAt(c & 15);
  return at;
}

/** Digits of an integer 0 ≤ m < 10^16. */
function digitCount(m: number): number {
  if (m < 1e8) {
    if (m < 1e4) return m < 100 ? (m < 10 ? 1 : 2) : m < 1e3 ? 3 : 4;
    return m < 1e6 ? (m < 1e5 ? 5 : 6) : m < 1e7 ? 7 : 8;
  }
  let n = 9;
  while (n < 16 && m >= POW10[n]) n++;
  return n;
}

/** Write the `count` lowest decimal digits of 0 ≤ a < 2^31 (zero-padded) to end before `end`; returns what is left of a above them. */
function writeLow32(buf: Buffer, end: number, a: number, count: number): number {
  a |= 0; // integer division by constants from here on
  let p = end;
  while (count >= 2) {
    const q = (a / 100) | 0;
    const r = (a - q * 100) << 1;
    buf[--p] = DIGITS[r + 1];
    buf[--p] = DIGITS[r];
    a = q;
    count -= 2;
  }
  if (count === 1) {
    const q = (a / 10) | 0;
    buf[--p] = 48 + (a - q * 10);
    a = q;
  }
  return a;
}

/** 0 ≤ a < 2^31 in decimal at `at`; returns the end. */
function writeInt32(buf: Buffer, at: number, a: number): number {
  const n = digitCount(a);
  writeLow32(buf, at + n, a, n);
  return at + n;
}

/** The last `count` decimal digits of an integer 0 ≤ m < 2^53, zero-padded, ending before `end`. */
function writeDigitsBack(buf: Buffer, end: number, m: number, count: number): void {
  while (m >= 2147483648 || count > 9) {
    const hi = Math.floor(m / 1e8);
    writeLow32(buf, end, m - hi * 1e8, count < 8 ? count : 8);
    if (count <= 8) return;
    end -= 8;
    count -= 8;
    m = hi;
  }
  writeLow32(buf, end, m, count);
}

/** m × 10^-k in fixed notation, for 0 < m < 2^31 without a trailing zero and k ≥ 1; returns the end. */
function writeFixed32(buf: Buffer, at: number, m: number, k: number): number {
  const n = digitCount(m);
  if (n <= k) {
    buf[at++] = 48; // 0
    buf[at++] = 46; // .
    for (let z = k - n; z > 0; z--) buf[at++] = 48;
    writeLow32(buf, at + n, m, n);
    return at + n;
  }
  const end = at + n + 1;
  const whole = writeLow32(buf, end, m, k);
  buf[end - k - 1] = 46; // .
  writeLow32(buf, end - k - 1, whole, n - k);
  return end;
}

/** m × 10^-k in fixed notation (m < 10^15 without a trailing zero, k ≥ 1); returns the end. */
function writeFixed(buf: Buffer, at: number, m: number, k: number): number {
  const n = digitCount(m);
  if (n <= k) {
    buf[at++] = 48; // 0
    buf[at++] = 46; // .
    for (let z = k - n; z > 0; z--) buf[at++] = 48;
    writeDigitsBack(buf, at + n, m, n);
    return at + n;
  }
  const end = at + n + 1;
  const p = POW10[k];
  const whole = Math.floor(m / p);
  writeDigitsBack(buf, end, m - whole * p, k);
  buf[end - k - 1] = 46; // .
  writeDigitsBack(buf, end - k - 1, whole, n - k);
  return end;
}
