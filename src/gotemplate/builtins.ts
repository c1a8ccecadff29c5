/**
 * text/template's predefined functions (funcs.go): comparisons with Go's kind rules, and/or/not,
 * index, slice, len, print*, html, js, urlquery, call. They take reflect.Values (`value`), so
 * they see "no value" and nil apart; a func map entry of the same name replaces them (Helm's
 * sprig `slice` does). A thrown Error becomes `error calling NAME: message`.
 */
import { formatV, sprint, sprintf, sprintln } from './format.js';
import { Node, nodeString } from './parse.js';
import { NO_VALUE, RValue, isTrue } from './rvalue.js';
import { GoFloat, GoStruct, GoTime, Value, goTypeName, typedSlice } from './value.js';

export type BuiltinParam = 'value' | 'interface {}' | 'string';

export interface Builtin {
  readonly params: readonly BuiltinParam[];
  readonly variadic?: BuiltinParam;
  readonly fn: (args: RValue[], argNodes: readonly Node[]) => RValue;
}

const v = 'value' as const;

export const builtinFuncs: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  // and/or are evaluated lazily by the evaluator; these bodies serve only `call`-less arity checks.
  ['and', { params: [v], variadic: v, fn: (a) => a.find((x) => !isTrue(x)) ?? a[a.length - 1]! }],
  ['or', { params: [v], variadic: v, fn: (a) => a.find((x) => isTrue(x)) ?? a[a.length - 1]! }],
  ['not', { params: [v], fn: (a) => !isTrue(a[0]!) }],
  ['call', { params: [v], variadic: v, fn: callFn }],
  ['html', { params: [], variadic: 'interface {}', fn: (a) => htmlEscape(evalArgs(a)) }],
  ['js', { params: [], variadic: 'interface {}', fn: (a) => jsEscape(evalArgs(a)) }],
  ['urlquery', { params: [], variadic: 'interface {}', fn: (a) => queryEscape(evalArgs(a)) }],
  ['index', { params: [v], variadic: v, fn: (a) => index(a[0]!, a.slice(1)) }],
  ['slice', { params: [v], variadic: v, fn: (a) => slice(a[0]!, a.slice(1)) }],
  ['len', { params: [v], fn: (a) => length(a[0]!) }],
  ['print', { params: [], variadic: 'interface {}', fn: (a) => sprint(a as Value[]) }],
  ['printf', { params: ['string'], variadic: 'interface {}', fn: (a) => sprintf(a[0] as string, a.slice(1) as Value[]) }],
  ['println', { params: [], variadic: 'interface {}', fn: (a) => sprintln(a as Value[]) }],
  ['eq', { params: [v], variadic: v, fn: (a) => eq(a[0]!, a.slice(1)) }],
  ['ne', { params: [v, v], fn: (a) => !eq(a[0]!, [a[1]!]) }],
  ['lt', { params: [v, v], fn: (a) => lt(a[0]!, a[1]!) }],
  ['le', { params: [v, v], fn: (a) => le(a[0]!, a[1]!) }],
  ['gt', { params: [v, v], fn: (a) => !le(a[0]!, a[1]!) }],
  ['ge', { params: [v, v], fn: (a) => !lt(a[0]!, a[1]!) }],
]);

// --- comparisons ------------------------------------------------------------------------------

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

/** indirectInterface: a nil interface has no value. */
function ind(x: RValue): RValue {
  return x === null ? NO_VALUE : x;
}

/** Go's basicKind: int and int64 are both intKind, so `eq (int64 3) 3` compares their values. */
function basicKind(x: RValue): Kind {
  switch (typeof x) {
    case 'boolean': return 'bool';
    case 'number': case 'bigint': return 'int';
    case 'string': return 'string';
  }
  return x instanceof GoFloat ? 'float' : 'invalid';
}

/** The comparable scalar: an int (number) or int64 (bigint) as it is, a float64's number. */
function scalar(x: RValue): bigint | number | string | boolean {
  return x instanceof GoFloat ? x.f : (x as bigint | number | string | boolean);
}

/** Go's ==: an int and an int64 of the same kind compare by value (JS's `<` already mixes them). */
function sameScalar(x: RValue, y: RValue): boolean {
  const a = scalar(x);
  const b = scalar(y);
  if (typeof a === 'bigint' && typeof b === 'number') return a === BigInt(b);
  if (typeof a === 'number' && typeof b === 'bigint') return BigInt(a) === b;
  return a === b;
}

/** eq: arg1 equals any of the others; mixed kinds are an error unless one side is nil. */
export function eq(arg1: RValue, others: RValue[]): boolean {
  const a1 = ind(arg1);
  if (others.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(a1);
  for (const o of others) {
    const a = ind(o);
    const k2 = basicKind(a);
    let truth = false;
    if (k1 !== k2) {
      if (a1 !== NO_VALUE && a !== NO_VALUE) throw new Error('incompatible types for comparison');
    } else if (k1 !== 'invalid') {
      truth = sameScalar(a1, a);
    } else if (a1 === NO_VALUE || a === NO_VALUE) {
      truth = a1 === a;
    } else {
      truth = equalComposite(a1, a);
    }
    if (truth) return true;
  }
  return false;
}

/** Go's == on non-basic values: structs compare field by field; slices and maps cannot. */
function equalComposite(a: Value, b: Value): boolean {
  if (Array.isArray(b) || b instanceof Map) {
    throw new Error(`non-comparable type ${formatV(b)}: ${goTypeName(b)}`);
  }
  if (Array.isArray(a) || a instanceof Map) {
    throw new Error(`non-comparable types ${formatV(a)}: ${goTypeName(a)}, ${goTypeName(b)}: ${formatV(b)}`);
  }
  if (a instanceof GoTime && b instanceof GoTime) return a.ns === b.ns && a.zone.name === b.zone.name;
  if (a instanceof GoStruct && b instanceof GoStruct) {
    if (a.typeName !== b.typeName) return false;
    if (a.typeName.startsWith('*')) return a === b;
    for (const [k, x] of a.fields) {
      const y = b.fields.get(k) ?? null;
      const kx = basicKind(x);
      if (kx !== 'invalid' || x === null || y === null) {
        // Field values compare as interfaces: an int is never equal to an int64.
        if (typeof x !== typeof y || !sameScalar(x as RValue, y)) return false;
      }
      else if (!equalComposite(x, y)) return false;
    }
    return true;
  }
  return false;
}

export function lt(arg1: RValue, arg2: RValue): boolean {
  const a = ind(arg1);
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw new Error('invalid type for comparison');
  const b = ind(arg2);
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  if (k1 === 'string') return compareBytes(a as string, b as string) < 0;
  return (scalar(a) as number | bigint) < (scalar(b) as number | bigint);
}

function le(a: RValue, b: RValue): boolean {
  return lt(a, b) || eq(a, [b]);
}

/** Go compares strings bytewise (UTF-8 order), which differs from UTF-16 order above U+FFFF. */
function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

// --- index, slice, len ------------------------------------------------------------------------

/** indexArg: any integer kind (int or int64) indexes; the result is an int. */
function indexArg(x: RValue, cap: number): number {
  if (typeof x !== 'number' && typeof x !== 'bigint') {
    if (x === NO_VALUE || x === null) throw new Error('cannot index slice/array with nil');
    throw new Error(`cannot index slice/array with type ${goTypeName(x)}`);
  }
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

export function index(item0: RValue, indexes: RValue[]): RValue {
  let item: RValue = ind(item0);
  if (item === NO_VALUE) throw new Error('index of untyped nil');
  for (const i0 of indexes) {
    const i = ind(i0);
    if (item === null) throw new Error('index of nil pointer');
    if (Array.isArray(item)) {
      const x = indexArg(i, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = item[x] ?? null;
    } else if (typeof item === 'string') {
      const bytes: Buffer = Buffer.from(item, 'utf8');
      const x = indexArg(i, bytes.length);
      if (x === bytes.length) throw new Error('reflect: string index out of range');
      item = bytes[x]!;
    } else if (item instanceof Map) {
      if (i === NO_VALUE) throw new Error('value is nil; should be of type string');
      if (typeof i !== 'string') throw new Error(`value has type ${goTypeName(i)}; should be string`);
      const got = item.get(i);
      item = got === undefined ? null : got;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

export function slice(item0: RValue, indexes: RValue[]): RValue {
  const item = ind(item0);
  if (item === NO_VALUE) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = Buffer.byteLength(item);
  } else if (Array.isArray(item)) len = item.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((x, k) => { idx[k] = indexArg(ind(x), len); });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  const out = item.slice(idx[0], idx[1]);
  const t = goTypeName(item);
  return t === '[]interface {}' ? out : typedSlice(out, t);
}

export function length(item: RValue): number {
  if (item === null) throw new Error('len of nil pointer');
  if (item === NO_VALUE) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return Buffer.byteLength(item);
  if (Array.isArray(item)) return item.length;
  if (item instanceof Map) return item.size;
  throw new Error(`len of type ${goTypeName(item)}`);
}

function callFn(args: RValue[], argNodes: readonly Node[]): RValue {
  const fn = ind(args[0]!);
  if (fn === NO_VALUE) throw new Error('call of nil');
  const name = argNodes[0] ? nodeString(argNodes[0]) : '';
  throw new Error(`non-function ${name} of type ${goTypeName(fn)}`);
}

// --- escapers ---------------------------------------------------------------------------------

/** evalArgs: one string argument as is, else fmt.Sprint with nil shown as `<no value>`. */
function evalArgs(args: RValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === NO_VALUE ? '<no value>' : a)));
}

export function htmlEscape(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let rep: string;
    switch (s.charCodeAt(i)) {
      case 0: rep = '\uFFFD'; break;
      case 34: rep = '&#34;'; break;
      case 39: rep = '&#39;'; break;
      case 38: rep = '&amp;'; break;
      case 60: rep = '&lt;'; break;
      case 62: rep = '&gt;'; break;
      default: continue;
    }
    out += s.slice(last, i) + rep;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c < 0x80 || printableRune.test(ch)) out += ch;
    else out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** url.QueryEscape: unreserved bytes stay, space becomes '+', the rest %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 45 || b === 95 || b === 46 || b === 126) {
      out += String.fromCharCode(b);
    } else if (b === 32) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
