/**
 * The evaluator's view of a value: Go's reflection tells a nil interface (a nil map value or
 * function result: `null`) from an invalid reflect.Value ("no value": an empty pipeline result,
 * `template` called without data: `NO_VALUE`). They print, convert and fail differently, so the
 * engine keeps them apart; functions of the func map only ever see `null`.
 */
import { GoFloat, Value } from './value.js';

export const NO_VALUE: unique symbol = Symbol('no value');
export type RValue = Value | typeof NO_VALUE;

/** text/template's truth: the zero value of its type (and nil, and no value) is false. */
export function isTrue(v: RValue): boolean {
  if (v === null || v === NO_VALUE) return false;
  switch (typeof v) {
    case 'string': return v.length > 0;
    case 'boolean': return v;
    case 'number': return v !== 0;
    case 'bigint': return v !== 0n;
  }
  if (v instanceof GoFloat) return v.f !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true; // structs and times are always true
}
