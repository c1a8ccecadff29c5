/**
 * sprig's list functions (list.go). Non-`must` variants panic where the `must` ones return an
 * error; both surface as GoFuncError. A nil list makes `reflect.TypeOf(nil).Kind()` crash,
 * which Go reports as a nil pointer dereference.
 */
import { GoFuncError, goTypeName, typedSlice, type GoFunc, type Value } from '../value.js';
import { toInt } from './convert.js';
import { fn, fne, fnv, fnve } from './define.js';
import { deepEqual, isEmpty, kindOf } from './reflect/types.js';
import { strslice } from './strings.js';

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

/** The elements of a Go slice value, or throws `<what> on type <kind>` like sprig. */
function elems(list: Value, what: (kind: string) => string): Value[] {
  if (list === null) throw new GoFuncError(NIL_DEREF);
  if (!Array.isArray(list)) throw new GoFuncError(what(kindOf(list)));
  return list;
}

const list = (...v: Value[]): Value[] => [...v];
const push = (l: Value, v: Value) => [...elems(l, (k) => `Cannot push on type ${k}`), v];
const prepend = (l: Value, v: Value) => [v, ...elems(l, (k) => `Cannot prepend on type ${k}`)];
const first = (l: Value) => {
  const e = elems(l, (k) => `Cannot find first on type ${k}`);
  return e.length ? e[0]! : null;
};
const last = (l: Value) => {
  const e = elems(l, (k) => `Cannot find last on type ${k}`);
  return e.length ? e[e.length - 1]! : null;
};
const rest = (l: Value) => {
  const e = elems(l, (k) => `Cannot find rest on type ${k}`);
  return e.slice(1); // a nil []interface{} prints as [] like an empty one
};
const initial = (l: Value) => {
  const e = elems(l, (k) => `Cannot find initial on type ${k}`);
  return e.slice(0, -1);
};
const reverse = (l: Value) => [...elems(l, (k) => `Cannot find reverse on type ${k}`)].reverse();
const compact = (l: Value) => elems(l, (k) => `Cannot compact on type ${k}`).filter((x) => !isEmpty(x));
const uniq = (l: Value) => {
  const out: Value[] = [];
  for (const x of elems(l, (k) => `Cannot find uniq on type ${k}`)) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
};
const without = (l: Value, ...omit: Value[]) =>
  elems(l, (k) => `Cannot find without on type ${k}`).filter((x) => !omit.some((o) => deepEqual(x, o)));
const has = (needle: Value, hay: Value) => {
  if (hay === null) return false;
  return elems(hay, (k) => `Cannot find has on type ${k}`).some((x) => deepEqual(needle, x));
};

function slice(l: Value, ...idx: Value[]): Value {
  const e = elems(l, (k) => `list should be type of slice or array but ${k}`);
  if (e.length === 0) return null;
  const start = idx.length > 0 ? toInt(idx[0]!) : 0;
  const end = idx.length < 2 ? e.length : toInt(idx[1]!);
  if (start < 0 || end < start || end > e.length) {
    throw new GoFuncError('reflect.Value.Slice: slice index out of bounds');
  }
  const t = goTypeName(e);
  const out = e.slice(start, end);
  return t === '[]interface {}' ? out : typedSlice(out, t);
}

function concat(...lists: Value[]): Value {
  let res: Value[] = []; // Go returns a nil []interface{} (printed as []) when there is nothing
  for (const l of lists) {
    if (l === null) throw new GoFuncError(NIL_DEREF);
    if (!Array.isArray(l)) throw new GoFuncError(`Cannot concat type ${kindOf(l)} as list`);
    res = [...res, ...l];
  }
  return res;
}

function chunk(size: number, l: Value): Value[] {
  const e = elems(l, (k) => `Cannot chunk type ${k}`);
  if (size <= 0) throw new GoFuncError('runtime error: makeslice: len out of range');
  const out: Value[] = [];
  for (let i = 0; i < e.length; i += size) out.push(e.slice(i, i + size));
  return typedSlice(out, '[][]interface {}');
}

function sortAlpha(l: Value): string[] {
  if (Array.isArray(l)) {
    const a = strslice(l);
    return typedSlice([...a].sort(byteCompare), '[]string');
  }
  return typedSlice([l === null ? '<nil>' : strslice(l)[0]!], '[]string');
}

/** Go's string order: bytewise UTF-8, which equals code point order. */
export function byteCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}


export const listFuncs: Record<string, GoFunc> = {
  list: fnv([], 'interface {}', list),
  tuple: fnv([], 'interface {}', list),
  append: fn(['interface {}', 'interface {}'], push),
  push: fn(['interface {}', 'interface {}'], push),
  mustAppend: fne(['interface {}', 'interface {}'], push),
  mustPush: fne(['interface {}', 'interface {}'], push),
  prepend: fn(['interface {}', 'interface {}'], prepend),
  mustPrepend: fne(['interface {}', 'interface {}'], prepend),
  first: fn(['interface {}'], first),
  mustFirst: fne(['interface {}'], first),
  rest: fn(['interface {}'], rest),
  mustRest: fne(['interface {}'], rest),
  last: fn(['interface {}'], last),
  mustLast: fne(['interface {}'], last),
  initial: fn(['interface {}'], initial),
  mustInitial: fne(['interface {}'], initial),
  reverse: fn(['interface {}'], reverse),
  mustReverse: fne(['interface {}'], reverse),
  uniq: fn(['interface {}'], uniq),
  mustUniq: fne(['interface {}'], uniq),
  without: fnv(['interface {}'], 'interface {}', without),
  mustWithout: fnve(['interface {}'], 'interface {}', without),
  has: fn(['interface {}', 'interface {}'], has),
  mustHas: fne(['interface {}', 'interface {}'], has),
  slice: fnv(["interface {}"], "interface {}", slice),
  mustSlice: fnve(['interface {}'], 'interface {}', slice),
  concat: fnv([], 'interface {}', concat),
  chunk: fn(['int', 'interface {}'], chunk),
  mustChunk: fne(['int', 'interface {}'], chunk),
  compact: fn(['interface {}'], compact),
  mustCompact: fne(['interface {}'], compact),
  sortAlpha: fn(['interface {}'], sortAlpha),
};
