/**
 * Helm's and sprig's YAML/JSON functions. toYaml is sigs.k8s.io/yaml: JSON marshalling first
 * (so floats that are whole numbers come out as ints, times as RFC 3339 strings), then go-yaml
 * v2 output; fromYaml reads YAML 1.1 (go-yaml v2) and goes through JSON (numbers are float64).
 * The Helm versions swallow errors: "" for toJson/toYaml, an "Error" key for fromYaml/fromJson.
 */
import { yamlLib } from '../../util/vendor.js';
import { GoFloat, GoFuncError, type GoFunc, type GoMap, type Value } from '../value.js';
import { fn, fne } from './define.js';
import { JsonError, jsonKind, marshalJson, parseJson } from './json.js';
import { emitYaml } from './yamlemit.js';

// ----- JSON --------------------------------------------------------------------------------------

function tryMarshal(v: Value, o: Parameters<typeof marshalJson>[1] = {}): string | undefined {
  try { return marshalJson(v, o); } catch (e) { if (e instanceof JsonError) return undefined; throw e; }
}

function mustMarshal(v: Value, o: Parameters<typeof marshalJson>[1] = {}): string {
  try { return marshalJson(v, o); } catch (e) { throw new GoFuncError((e as Error).message); }
}

function unmarshalInto(text: string, target: 'map' | 'slice' | 'any'): Value {
  const v = parseJson(text);
  if (target === 'any' || v === null) return v;
  if (target === 'map' && !(v instanceof Map)) {
    throw new JsonError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`);
  }
  if (target === 'slice' && !Array.isArray(v)) {
    throw new JsonError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`);
  }
  return v;
}

function fromJson(s: string): GoMap {
  try {
    const v = unmarshalInto(s, 'map');
    return v === null ? new Map() : (v as GoMap);
  } catch (e) {
    return new Map([['Error', (e as Error).message]]);
  }
}

function fromJsonArray(s: string): Value[] {
  try {
    const v = unmarshalInto(s, 'slice');
    return v === null ? [] : (v as Value[]);
  } catch (e) {
    return [(e as Error).message];
  }
}

// ----- YAML ----------------------------------------------------------------------------------------

/** The value after JSON marshalling and decoding by go-yaml v2 (sigs.k8s.io/yaml.Marshal). */
function jsonShape(v: Value): Value {
  const text = marshalJson(v, { escapeHTML: false });
  return fromJsonText(parseJsonKeepNumbers(text));
}

/** Parses JSON text keeping each number's literal text, as go-yaml resolves it. */
function parseJsonKeepNumbers(text: string): Value {
  // JSON numbers become YAML ints when their text is an int64 literal, floats otherwise.
  const v = parseJson(text.replace(/("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g,
    (_m, str: string | undefined, numText: string | undefined) => (str !== undefined ? str : JSON.stringify('\u0000num:' + numText))));
  return v;
}

function fromJsonText(v: Value): Value {
  if (typeof v === 'string' && v.startsWith('\u0000num:')) {
    const t = v.slice(5);
    if (/^-?\d+$/.test(t)) {
      const b = BigInt(t);
      if (b >= -(2n ** 63n) && b < 2n ** 64n) return Number(b);
    }
    return new GoFloat(Number(t));
  }
  if (Array.isArray(v)) return v.map(fromJsonText);
  if (v instanceof Map) {
    const m: GoMap = new Map();
    for (const [k, x] of v) m.set(k, fromJsonText(x));
    return m;
  }
  return v;
}

export function toYaml(v: Value): string {
  const shaped = jsonShape(v);
  return emitYaml(shaped).replace(/\n$/, '');
}

/** Reads YAML as go-yaml v2 does for sigs.k8s.io/yaml, then converts it to JSON values. */
function yamlToJsonValue(text: string): Value {
  const docs = yamlLib().parseAllDocuments(text, {
    version: '1.1',
    schema: 'yaml-1.1',
    merge: true,
    uniqueKeys: false,
    customTags: (tags) => tags.filter((t) => {
      const tag = t as { tag?: string; format?: string };
      return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
    }),
  });
  const docList = Array.isArray(docs) ? docs : [docs];
  const doc = docList[0];
  if (!doc) return null;
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const msg = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new Error(`error converting YAML to JSON: yaml: ${line !== undefined ? `line ${line}: ` : ''}${msg}`);
  }
  const js = doc.toJS({ mapAsMap: true, maxAliasCount: -1 }) as unknown;
  return toJsonValue(js);
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') {
    if (Number.isInteger(k)) return String(k);
    const s = Math.fround(k).toPrecision(9).replace(/\.?0+$/, '');
    return String(Number(s));
  }
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  throw new Error(`error converting YAML to JSON: unsupported map key of type: ${k === null ? '<nil>' : typeof k}`);
}

function toJsonValue(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new Error(`error converting YAML to JSON: json: unsupported value: ${x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN'}`);
    return new GoFloat(x);
  }
  if (typeof x === 'bigint') return new GoFloat(Number(x));
  if (x instanceof Uint8Array) return Buffer.from(x).toString('latin1');
  if (x instanceof Date) return x.toISOString();
  if (Array.isArray(x)) return x.map(toJsonValue);
  if (x instanceof Set) return [...x].map(toJsonValue);
  if (x instanceof Map) {
    const m: GoMap = new Map();
    for (const [k, v] of x) m.set(keyString(k), toJsonValue(v));
    return m;
  }
  return String(x);
}

function fromYaml(s: string): GoMap {
  try {
    const v = yamlToJsonValue(s);
    if (v === null) return new Map();
    if (!(v instanceof Map)) {
      throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`);
    }
    return v;
  } catch (e) {
    return new Map([['Error', (e as Error).message]]);
  }
}

function fromYamlArray(s: string): Value[] {
  try {
    const v = yamlToJsonValue(s);
    if (v === null) return [];
    if (!Array.isArray(v)) {
      throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`);
    }
    return v;
  } catch (e) {
    return [(e as Error).message];
  }
}

export const yamlJsonFuncs: Record<string, GoFunc> = {
  // Helm's versions (override sprig's toJson, mustToJson, fromJson).
  toJson: fn(['interface {}'], (v: Value) => tryMarshal(v) ?? ''),
  // Helm's mustToJson/mustToYaml panic on error (one result, not (string, error)).
  mustToJson: fn(['interface {}'], (v: Value) => mustMarshal(v)),
  fromJson: fn(['string'], fromJson),
  fromJsonArray: fn(['string'], fromJsonArray),
  toYaml: fn(['interface {}'], (v: Value) => {
    try { return toYaml(v); } catch (e) { if (e instanceof JsonError) return ''; throw e; }
  }),
  mustToYaml: fn(['interface {}'], (v: Value) => {
    try { return toYaml(v); } catch (e) { throw new GoFuncError((e as Error).message); }
  }),
  toYamlPretty: fn(['interface {}'], (v: Value) =>
    emitYaml(v, { indentSequencesInMappings: true, width: 0, v3: true }).replace(/\n$/, '')),
  fromYaml: fn(['string'], fromYaml),
  fromYamlArray: fn(['string'], fromYamlArray),
  // sprig's.
  toPrettyJson: fn(['interface {}'], (v: Value) => tryMarshal(v, { indent: '  ' }) ?? ''),
  mustToPrettyJson: fne(['interface {}'], (v: Value) => mustMarshal(v, { indent: '  ' })),
  toRawJson: fn(['interface {}'], (v: Value) => mustMarshal(v, { escapeHTML: false })),
  mustToRawJson: fne(['interface {}'], (v: Value) => mustMarshal(v, { escapeHTML: false })),
  mustFromJson: fne(['string'], (s: string) => {
    try { return unmarshalInto(s, 'any'); } catch (e) { throw new GoFuncError((e as Error).message); }
  }),
};
