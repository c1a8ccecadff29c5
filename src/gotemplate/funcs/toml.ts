/** Helm's toToml / fromToml (BurntSushi/toml). */
import type { GoFunc, GoMap, Value } from '../value.js';
import { fn } from './define.js';
import { decodeToml, encodeToml } from './tomlcodec.js';

export const tomlFuncs: Record<string, GoFunc> = {
  toToml: fn(['interface {}'], (v: Value) => {
    try { return encodeToml(v); } catch (e) { return (e as Error).message; }
  }),
  fromToml: fn(['string'], (s: string): GoMap => {
    try { return decodeToml(s); } catch (e) { return new Map([['Error', (e as Error).message]]); }
  }),
};
