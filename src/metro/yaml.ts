/**
 * YAML decoding as Go's gopkg.in/yaml.v3 (v3.0.1) decodes into interface{} and into structs.
 *
 * yamlparse.ts does the syntax (a fast block-YAML parser, eemeli/yaml for everything else; every
 * scalar stays text with its style and tag); this module does what yaml.v3 adds on top: scalar typing (resolve.go), `!!str`/`!!int`/… tags, aliases,
 * `<<` merge keys (keys written in the mapping win, then the merged mappings in order, each
 * replacing whole keys), and the struct rules (a string field takes a scalar's raw text).
 *
 * Deliberate difference: yaml.v3 decodes a mapping with a non-string key (`1: a`, `true: b`)
 * inside an interface{} into map[interface{}]interface{}, which text/template prints but
 * toJson and `diagnose --json` cannot handle. Our value model only has string-keyed maps, so
 * such a mapping is an error naming its line (quote the key). A job's `options:` itself is a
 * map[string]interface{} in Go, so its own keys are taken as written, as yaml.v3 does.
 */
import { parseNodes, YamlSyntaxError, type YMap, type YNode, type YScalar } from './yamlparse.js';
import { GoFloat, GoTime, type GoMap, type Value } from '../gotemplate/value.js';
import { JsonError, parseJson } from '../gotemplate/funcs/json.js';

/** A YAML syntax or typing error; `line` is 1-based when known. */
export class YamlError extends Error {
  override name = 'YamlError';
  constructor(readonly reason: string, readonly line?: number) {
    super(line ? `line ${line}: ${reason}` : reason);
  }
}

/** A parsed document (the first one: yaml.v3 Unmarshal reads only the first). */
export interface YamlDoc {
  readonly root: YNode | null;
}

/** Parses YAML text into nodes; syntax errors are `YamlError`s with the line. */
export function parseYaml(text: string): YamlDoc {
  try {
    return { root: parseNodes(text) };
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw new YamlError(e.reason, e.line);
    throw e;
  }
}

/** Decodes YAML text as yaml.v3 decodes it into an interface{} (the golden `valuesYaml`, `--values`). */
export function decodeYaml(text: string): Value {
  const d = parseYaml(text);
  return d.root ? toValue(d, d.root) : null;
}

/** 1-based line of a node, for messages. */
export function lineOf(_d: YamlDoc, n: YNode | null | undefined): number | undefined {
  return n?.line || undefined;
}

export const isMap = (n: YNode | null | undefined): n is YMap => n?.k === 'map';
export const isSeq = (n: YNode | null | undefined): n is Extract<YNode, { k: 'seq' }> => n?.k === 'seq';
export const isScalar = (n: YNode | null | undefined): n is YScalar => n?.k === 'scalar';

// ---- tags and scalar resolution (yaml.v3 resolve.go) ----

type Resolved = { tag: '!!null'; value: null } | { tag: '!!bool'; value: boolean } | { tag: '!!int'; value: number }
  | { tag: '!!float'; value: GoFloat } | { tag: '!!timestamp'; value: GoTime } | { tag: '!!str' | '!!merge' | string; value: string };

const RESOLVE_MAP: Record<string, Resolved> = {};
for (const [tag, value, words] of [
  ['!!bool', true, ['true', 'True', 'TRUE']], ['!!bool', false, ['false', 'False', 'FALSE']],
  ['!!null', null, ['', '~', 'null', 'Null', 'NULL']],
  ['!!float', new GoFloat(NaN), ['.nan', '.NaN', '.NAN']],
  ['!!float', new GoFloat(Infinity), ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']],
  ['!!float', new GoFloat(-Infinity), ['-.inf', '-.Inf', '-.INF']],
  ['!!merge', '<<', ['<<']],
] as const) for (const w of words) RESOLVE_MAP[w] = { tag, value } as Resolved;

const hintOf = (c: string | undefined): string => {
  if (c === undefined) return 'N';
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
};

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n, UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(s, 0, 64) (underscores already removed); undefined when it fails. */
function parseGoInt(s: string, unsigned = false): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m || (unsigned && m[1])) return undefined;
  const body = m[2]!;
  const v = /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body.toLowerCase());
  const n = m[1] === '-' ? -v : v;
  if (unsigned ? n > UINT64_MAX : n < INT64_MIN || n > INT64_MAX) return undefined;
  return n;
}

/** yaml.v3 `resolve(tag, in)`: the tag and value a plain (or explicitly tagged) scalar takes. */
export function resolveScalar(tag: string, input: string): Resolved {
  const resolvable = ['', '!!str', '!!bool', '!!int', '!!float', '!!timestamp'].includes(tag);
  if (!resolvable) return tag === '!!null' ? { tag, value: null } : { tag, value: input };
  const r = resolveUntyped(tag, input);
  if (tag === '' || tag === r.tag || tag === '!!str') return r;
  if (tag === '!!float' && r.tag === '!!int') return { tag: '!!float', value: new GoFloat(r.value as number) };
  throw new YamlError(`cannot decode ${r.tag} \`${input}\` as a ${tag}`);
}

function resolveUntyped(tag: string, input: string): Resolved {
  const hint = hintOf(input[0]);
  if (!hint || tag === '!!str') return { tag: '!!str', value: input };
  const known = RESOLVE_MAP[input];
  if (known) return known;
  if (hint === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(input)) {
      const f = Number(input);
      if (Number.isFinite(f)) return { tag: '!!float', value: new GoFloat(f) };
    }
  } else if (hint === 'D' || hint === 'S') {
    if (tag === '' || tag === '!!timestamp') {
      const t = parseTimestamp(input);
      if (t) return { tag: '!!timestamp', value: t };
    }
    const plain = input.replaceAll('_', '');
    const i = parseGoInt(plain) ?? parseGoInt(plain, true);
    if (i !== undefined) return { tag: '!!int', value: Number(i) };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return { tag: '!!float', value: new GoFloat(f) };
    }
  }
  return { tag: '!!str', value: input };
}

const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?))?$/;

/** Days from 1970-01-01 to a proleptic Gregorian date (any year). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const daysIn = (y: number, m: number) => m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/** yaml.v3 parseTimestamp: the four time.Parse layouts it tries, as Go validates them. */
export function parseTimestamp(s: string): GoTime | undefined {
  const m = TIMESTAMP.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, se, frac, zone] = m[4] !== undefined ? [m[4], m[5], m[6], m[7], m[8]] : [m[9], m[10], m[11], m[12], undefined];
  const [hh, mm, ss] = [Number(h ?? 0), Number(mi ?? 0), Number(se ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || hh > 23 || mm > 59 || ss > 59) return undefined;
  let offset = 0;
  if (zone && zone !== 'Z') {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (zh > 24 || zm > 60) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (zh * 3600 + zm * 60);
  }
  const secs = BigInt(daysFromCivil(y, mo, d)) * 86400n + BigInt(hh * 3600 + mm * 60 + ss - offset);
  const ns = secs * 1_000_000_000n + BigInt((frac ?? '').slice(0, 9).padEnd(9, '0'));
  return new GoTime(ns, offset ? { name: '', offsetSeconds: offset } : { name: 'UTC' });
}

// ---- node access ----

/** Follows aliases; `seen` guards against an anchor that contains itself. */
export function deref(d: YamlDoc, n: YNode, seen: ReadonlySet<YNode> = new Set()): YNode {
  if (n.k !== 'alias') return n;
  const target = n.target;
  if (!target) throw new YamlError(`unknown anchor '${n.name}' referenced`, lineOf(d, n));
  if (seen.has(target)) throw new YamlError(`anchor '${n.name}' value contains itself`, lineOf(d, n));
  return target;
}

/** The node kind as yaml.v3 names it in "cannot unmarshal !!map into string". */
export function kindTag(d: YamlDoc, n: YNode): string {
  const t = deref(d, n);
  if (t.k === 'map') return '!!map';
  if (t.k === 'seq') return '!!seq';
  return scalarResolved(d, t as YScalar).tag;
}

/** d.scalar: a quoted or block scalar without a tag, or any `!!str`, is a string; others resolve. */
export function scalarResolved(d: YamlDoc, s: YScalar): Resolved {
  const tag = s.tag;
  const text = s.value;
  try {
    if (tag === '!!str' || ((tag === '' || tag === '!') && s.style !== 'plain')) return { tag: '!!str', value: text };
    if (tag === '!!binary') return { tag: '!!str', value: Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8') };
    return resolveScalar(tag === '!' ? '' : tag, text);
  } catch (e) {
    if (e instanceof YamlError && e.line === undefined) throw new YamlError(e.reason, lineOf(d, s));
    throw e;
  }
}

/** The text of a scalar as a Go string field receives it (yaml.v3 uses the raw value; null → ""). */
export function scalarText(d: YamlDoc, n: YNode): string | null {
  const t = deref(d, n);
  if (t.k !== 'scalar') return null;
  return scalarResolved(d, t).value === null ? '' : t.value;
}

const isMergeKey = (d: YamlDoc, k: YNode) => {
  const t = deref(d, k);
  if (t.k !== 'scalar' || t.value !== '<<') return false;
  return t.tag === '!!merge' || ((t.tag === '' || t.tag === '!') && t.style === 'plain');
};

/**
 * A mapping's effective entries as yaml.v3 decodes them: keys written in the mapping first,
 * then those of the `<<` merge (a mapping or a list of mappings, in order), each key once,
 * the first occurrence winning. `keyOf` gives a key's identity (its text or its string value).
 */
export function mappingEntries(d: YamlDoc, node: YNode, keyOf: (k: YNode) => string, seen: ReadonlySet<YNode> = new Set()): Map<string, YNode | null> {
  const out = new Map<string, YNode | null>();
  collect(d, deref(d, node, seen) as YMap, out, null, keyOf, new Set([...seen, node]));
  return out;
}

function collect(d: YamlDoc, map: YMap, out: Map<string, YNode | null>, merged: Set<string> | null, keyOf: (k: YNode) => string, seen: Set<YNode>): void {
  let mergeNode: YNode | null = null;
  for (const [k, v] of map.pairs) {
    if (isMergeKey(d, k)) { mergeNode = v; continue; }
    const key = keyOf(k);
    if (merged) {
      if (merged.has(key)) continue;
      merged.add(key);
    }
    out.set(key, v);
  }
  if (!mergeNode) return;
  const set = merged ?? new Set(map.pairs.filter(([k]) => !isMergeKey(d, k)).map(([k]) => keyOf(k)));
  const target = deref(d, mergeNode, seen);
  const sources = target.k === 'seq' ? target.items : [mergeNode];
  for (const s of sources) {
    const m = deref(d, s, seen);
    if (m.k !== 'map') throw new YamlError('map merge requires map or sequence of maps as the value', lineOf(d, s));
    if (seen.has(m)) throw new YamlError('anchor value contains itself', lineOf(d, s));
    collect(d, m, out, set, keyOf, new Set([...seen, m]));
  }
}

/** Go's fmt of a scalar key, for messages. */
const keyText = (d: YamlDoc, k: YNode) => { const t = deref(d, k); return t.k === 'scalar' ? t.value : kindTag(d, t); };

/** The identity of a key in an interface{} mapping: it must resolve to a string (see the module note). */
export function stringKey(d: YamlDoc, k: YNode): string {
  const t = deref(d, k);
  if (t.k === 'scalar') {
    const r = scalarResolved(d, t);
    if (r.tag === '!!str') return r.value as string;
  }
  throw new YamlError(`mapping key ${JSON.stringify(keyText(d, k))} is a ${kindTag(d, k)}, not a string: yaml.v3 would make a map[interface{}]interface{}, which prefixkit does not support; quote the key`, lineOf(d, k));
}

/** A key of a struct or of a map[string]… field: yaml.v3 takes its raw text. */
export const rawKey = (d: YamlDoc) => (k: YNode): string => scalarText(d, k) ?? keyText(d, k);

/** yaml.v3 decoding of a node into interface{}. */
export function toValue(d: YamlDoc, n: YNode | null, seen: ReadonlySet<YNode> = new Set()): Value {
  if (n === null) return null;
  const t = deref(d, n, seen);
  if (t.k === 'scalar') return scalarResolved(d, t).value;
  const inner = new Set([...seen, t]);
  if (t.k === 'seq') return t.items.map((i) => toValue(d, i, inner));
  if (t.k === 'map') {
    const m: GoMap = new Map();
    for (const [k, v] of mappingEntries(d, t, (k) => stringKey(d, k), seen)) m.set(k, toValue(d, v, inner));
    return m;
  }
  return null;
}

/** Decodes a JSON text as the golden README says: integers without `.`/exponent are Go ints, other numbers float64. */
export function decodeJson(text: string): Value {
  try {
    return parseJson(text, 'written');
  } catch (e) {
    if (e instanceof JsonError) throw new YamlError(`invalid JSON: ${e.message}`);
    throw e;
  }
}
