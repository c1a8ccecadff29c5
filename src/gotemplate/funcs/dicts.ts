/**
 * sprig's dict functions (dict.go): get/set/unset/hasKey/pluck/keys/pick/omit/dict, merges with
 * dario.cat/mergo semantics, deepCopy (copystructure) and dig.
 */
import { GoFuncError, goTypeName, typedSlice, type GoFunc, type GoMap, type Value } from '../value.js';
import { strval } from './convert.js';
import { fn, fne, fnv, fnve } from './define.js';
import { isEmpty } from './reflect/types.js';

const isMap = (v: Value): v is GoMap => v instanceof Map;

function dict(...v: Value[]): GoMap {
  const d: GoMap = new Map();
  for (let i = 0; i < v.length; i += 2) d.set(strval(v[i]!), i + 1 < v.length ? v[i + 1]! : '');
  return d;
}

/** mergo's deepMerge for map[string]interface{} (Merge, or MergeWithOverwrite). */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, sv] of src) {
    const has = dst.has(k);
    const dv = has ? dst.get(k)! : null;
    if (sv === null) {
      if (overwrite) dst.set(k, null);
      continue;
    }
    if (isMap(sv) && isMap(dv)) mergeInto(dv, sv, overwrite);
    if (has && !isEmpty(dv)) {
      if (Array.isArray(sv)) {
        if (overwrite) dst.set(k, sv);
        continue;
      }
      if (isMap(sv) && isMap(dv)) continue;
    }
    if (overwrite || !has || isEmpty(dv)) dst.set(k, sv);
  }
}

function merge(overwrite: boolean) {
  return (dst: GoMap, ...srcs: GoMap[]): Value => {
    for (const s of srcs) mergeInto(dst, s, overwrite);
    return dst;
  };
}

/** copystructure.Copy over the value model. */
export function deepCopy(v: Value): Value {
  if (Array.isArray(v)) {
    return copyType(v, v.map(deepCopy));
  }
  if (isMap(v)) {
    const m: GoMap = new Map();
    for (const [k, x] of v) m.set(k, deepCopy(x));
    return m;
  }
  // Scalars, times and structs are immutable in the value model: sharing them is a copy.
  return v;
}

function copyType(from: Value[], to: Value[]): Value[] {
  const t = goTypeName(from);
  return t === '[]interface {}' ? to : typedSlice(to, t);
}

function dig(...ps: Value[]): Value {
  if (ps.length < 3) throw new GoFuncError('dig needs at least three arguments');
  const d = ps[ps.length - 1]!;
  const def = ps[ps.length - 2]!;
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new GoFuncError(`interface conversion: interface {} is ${k === null ? 'nil' : goTypeName(k)}, not string`);
    return k;
  });
  let cur = assertMap(d);
  for (let i = 0; ; i++) {
    const k = keys[i]!;
    if (!cur.has(k)) return def;
    const step = cur.get(k)!;
    if (i === keys.length - 1) return step;
    cur = assertMap(step);
  }
}

function assertMap(v: Value): GoMap {
  if (isMap(v)) return v;
  throw new GoFuncError(`interface conversion: interface {} is ${v === null ? 'nil' : goTypeName(v)}, not map[string]interface {}`);
}

export const dictFuncs: Record<string, GoFunc> = {
  dict: fnv([], 'interface {}', dict),
  get: fn(['map[string]interface {}', 'string'], (d: GoMap, k: string) => (d.has(k) ? d.get(k)! : '')),
  set: fn(['map[string]interface {}', 'string', 'interface {}'], (d: GoMap, k: string, v: Value) => { d.set(k, v); return d; }),
  unset: fn(['map[string]interface {}', 'string'], (d: GoMap, k: string) => { d.delete(k); return d; }),
  hasKey: fn(['map[string]interface {}', 'string'], (d: GoMap, k: string) => d.has(k)),
  pluck: fnv(['string'], 'map[string]interface {}', (k: string, ...ds: GoMap[]) =>
    ds.filter((d) => d.has(k)).map((d) => d.get(k)!)),
  keys: fnv([], 'map[string]interface {}', (...ds: GoMap[]) => typedSlice(ds.flatMap((d) => [...d.keys()]), '[]string')),
  pick: fnv(['map[string]interface {}'], 'string', (d: GoMap, ...ks: string[]) => {
    const r: GoMap = new Map();
    for (const k of ks) if (d.has(k)) r.set(k, d.get(k)!);
    return r;
  }),
  omit: fnv(['map[string]interface {}'], 'string', (d: GoMap, ...ks: string[]) => {
    const r: GoMap = new Map();
    for (const [k, v] of d) if (!ks.includes(k)) r.set(k, v);
    return r;
  }),
  merge: fnv(['map[string]interface {}'], 'map[string]interface {}', merge(false)),
  mergeOverwrite: fnv(['map[string]interface {}'], 'map[string]interface {}', merge(true)),
  mustMerge: fnve(['map[string]interface {}'], 'map[string]interface {}', merge(false)),
  mustMergeOverwrite: fnve(['map[string]interface {}'], 'map[string]interface {}', merge(true)),
  values: fn(['map[string]interface {}'], (d: GoMap) => [...d.values()]),
  deepCopy: fn(['interface {}'], deepCopy),
  mustDeepCopy: fne(['interface {}'], deepCopy),
  dig: fnve([], 'interface {}', dig),
};
