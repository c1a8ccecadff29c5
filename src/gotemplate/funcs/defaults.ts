/** sprig's defaults.go: default, empty, coalesce, all, any, ternary. */
import type { GoFunc, Value } from '../value.js';
import { fn, fnv } from './define.js';
import { isEmpty } from './reflect/types.js';

export const defaultFuncs: Record<string, GoFunc> = {
  default: fnv(['interface {}'], 'interface {}', (d: Value, ...given: Value[]) =>
    (given.length === 0 || isEmpty(given[0]!) ? d : given[0]!)),
  empty: fn(['interface {}'], isEmpty),
  coalesce: fnv([], 'interface {}', (...v: Value[]) => v.find((x) => !isEmpty(x)) ?? null),
  all: fnv([], 'interface {}', (...v: Value[]) => v.every((x) => !isEmpty(x))),
  any: fnv([], 'interface {}', (...v: Value[]) => v.some((x) => !isEmpty(x))),
  ternary: fn(['interface {}', 'interface {}', 'bool'], (t: Value, f: Value, c: boolean) => (c ? t : f)),
};
