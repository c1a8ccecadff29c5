/**
 * Reflection helpers: Go's %T (typeOf), reflect.Kind (kindOf), reflect.DeepEqual and sprig's
 * notion of an empty value.
 */
import { GoFloat, GoStruct, GoTime, goTypeName, type GoFunc, type Value } from '../../value.js';
import { fn } from '../define.js';

/** fmt.Sprintf("%T", v). */
export const typeOf = (v: Value): string => goTypeName(v);

/** reflect.ValueOf(v).Kind().String(). */
export function kindOf(v: Value): string {
  if (v === null) return 'invalid';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'int';
    case 'bigint': return 'int64';
  }
  if (v instanceof GoFloat) return 'float64';
  if (v instanceof GoTime) return 'struct';
  if (v instanceof GoStruct) return v.typeName.startsWith('*') ? 'ptr' : 'struct';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}

/** reflect.DeepEqual over the value model (types must match exactly: int 3 is not int64 3). */
export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (goTypeName(a) !== goTypeName(b)) return false;
  if (a instanceof GoFloat) return a.f === (b as GoFloat).f;
  if (a instanceof GoTime) {
    const t = b as GoTime;
    return a.ns === t.ns && a.zone.name === t.zone.name && a.zone.offsetSeconds === t.zone.offsetSeconds;
  }
  if (a instanceof GoStruct) {
    const s = b as GoStruct;
    if (a.fields.size !== s.fields.size) return false;
    for (const [k, v] of a.fields) if (!s.fields.has(k) || !deepEqual(v, s.fields.get(k)!)) return false;
    return true;
  }
  if (Array.isArray(a)) {
    const l = b as Value[];
    return a.length === l.length && a.every((x, i) => deepEqual(x, l[i]!));
  }
  const m = b as Map<string, Value>;
  if (a.size !== m.size) return false;
  for (const [k, v] of a) if (!m.has(k) || !deepEqual(v, m.get(k)!)) return false;
  return true;
}

/** sprig's empty: nil, zero numbers, false, and empty strings, lists and maps. */
export function isEmpty(v: Value): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string': return v.length === 0;
    case 'boolean': return !v;
    case 'number': return v === 0;
    case 'bigint': return v === 0n;
  }
  if (v instanceof GoFloat) return v.f === 0;
  if (v instanceof GoTime || v instanceof GoStruct) return false;
  if (Array.isArray(v)) return v.length === 0;
  return v.size === 0;
}

export const reflectFuncs: Record<string, GoFunc> = {
  typeOf: fn(['interface {}'], typeOf),
  typeIs: fn(['string', 'interface {}'], (t: string, v: Value) => t === typeOf(v)),
  typeIsLike: fn(['string', 'interface {}'], (t: string, v: Value) => {
    const s = typeOf(v);
    return t === s || '*' + t === s;
  }),
  kindOf: fn(['interface {}'], kindOf),
  kindIs: fn(['string', 'interface {}'], (k: string, v: Value) => k === kindOf(v)),
  deepEqual: fn(['interface {}', 'interface {}'], deepEqual),
};
