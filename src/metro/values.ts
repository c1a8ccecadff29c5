/**
 * Values for `prefixkit template render`: `--values` files (YAML decoded like a job's options,
 * `.json` files decoded with ints and floats told apart by how they are written), merged as Helm
 * merges values files (maps deeply, anything else replaced by the later file), then `--set`
 * expressions parsed like Helm's strvals (`a.b=c`, `a={x,y}`, `a[0]=x`, `a=1,b=2`, `\` escapes;
 * `true`/`false`/ints are typed, `null` removes the key).
 */
import { readFileSync } from 'node:fs';
import type { GoMap, Value } from '../gotemplate/value.js';
import { UsageError } from '../util/errors.js';
import { decodeJson, decodeYaml, YamlError } from './yaml.js';

const isMap = (v: unknown): v is GoMap => v instanceof Map;

/** Decodes one values file; it must hold a mapping (or nothing). */
export function decodeValuesFile(text: string, file: string): GoMap {
  let v: Value;
  try {
    v = /\.json$/i.test(file) ? decodeJson(text) : decodeYaml(text);
  } catch (e) {
    if (e instanceof YamlError) throw new UsageError(`--values ${file}: ${e.message}`);
    throw e;
  }
  if (v === null) return new Map();
  if (!isMap(v)) throw new UsageError(`--values ${file}: expected a mapping of values at the top level`);
  return v;
}

/** Helm's mergeMaps: `b` wins, nested maps are merged key by key. Returns a new map. */
export function mergeValues(a: GoMap, b: GoMap): GoMap {
  const out: GoMap = new Map(a);
  for (const [k, v] of b) {
    const old = out.get(k);
    out.set(k, isMap(v) && isMap(old) ? mergeValues(old, v) : v);
  }
  return out;
}

/** strvals typedVal. */
function typed(s: string): Value | undefined {
  const l = s.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  if (l === 'null') return undefined;
  if (s === '0') return 0;
  if (s !== '' && s[0] !== '0' && /^[+-]?\d+$/.test(s)) {
    const n = BigInt(s);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return Number(n);
  }
  return s;
}

/** Applies one `--set` argument (Helm strvals syntax) to `into`, in place. */
export function applySet(expr: string, into: GoMap): void {
  let i = 0;
  const bad = (why: string): never => { throw new UsageError(`--set ${expr}: ${why}`); };
  /** Reads runes up to one of `stops`, honouring `\` escapes. */
  const read = (stops: string): [string, string | undefined] => {
    let s = '';
    while (i < expr.length) {
      const c = expr[i++]!;
      if (c === '\\' && i < expr.length) { s += expr[i++]; continue; }
      if (stops.includes(c)) return [s, c];
      s += c;
    }
    return [s, undefined];
  };
  const setKey = (m: GoMap, k: string, v: Value | undefined) => { if (v === undefined) m.delete(k); else m.set(k, v); };
  const value = (): Value | undefined => {
    if (expr[i] === '{') {
      i++;
      const items: Value[] = [];
      for (;;) {
        const [s, stop] = read(',}');
        if (stop === undefined) bad('unterminated list: expected "}"');
        items.push(typed(s) ?? null);
        if (stop === '}') break;
      }
      if (i < expr.length && expr[i] !== ',') bad('expected "," after a list');
      if (expr[i] === ',') i++;
      return items;
    }
    const [s] = read(',');
    return typed(s);
  };
  /** Parses `key...=value` into map `m`. */
  const intoMap = (m: GoMap): void => {
    const [key, stop] = read('=[.,');
    if (key === '') bad('empty key');
    if (stop === '=') { setKey(m, key, value()); return; }
    if (stop === '.') {
      const cur = m.get(key);
      const child: GoMap = isMap(cur) ? cur : new Map();
      m.set(key, child);
      intoMap(child);
      return;
    }
    if (stop === '[') {
      const cur = m.get(key);
      const arr = Array.isArray(cur) ? [...cur] : [];
      m.set(key, arr);
      intoList(arr);
      return;
    }
    bad(`key "${key}" has no value`);
  };
  const intoList = (arr: Value[]): void => {
    const [idx, stop] = read(']');
    if (stop !== ']' || !/^\d+$/.test(idx)) bad(`bad list index "${idx}"`);
    const n = Number(idx);
    if (n > 65536) bad(`list index ${n} is too large`);
    while (arr.length <= n) arr.push(null);
    const next = expr[i++];
    if (next === '=') { arr[n] = value() ?? null; return; }
    if (next === '.') {
      const cur = arr[n];
      const child: GoMap = isMap(cur ?? null) ? cur as GoMap : new Map();
      arr[n] = child;
      intoMap(child);
      return;
    }
    if (next === '[') {
      const cur = arr[n];
      const inner = Array.isArray(cur) ? [...cur] : [];
      arr[n] = inner;
      intoList(inner);
      return;
    }
    bad('expected "=", "." or "[" after a list index');
  };
  while (i < expr.length) intoMap(into);
}

/** The `.Values` of `template render`: files merged in order, then each `--set` applied. */
export function loadValues(files: readonly string[], sets: readonly string[], readFile = (f: string) => readFileSync(f, 'utf8')): GoMap {
  let values: GoMap = new Map();
  for (const f of files) {
    let text: string;
    try { text = readFile(f); } catch (e) { throw new UsageError(`--values ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`); }
    values = mergeValues(values, decodeValuesFile(text, f));
  }
  for (const s of sets) applySet(s, values);
  return values;
}
