/**
 * Typed decoding of YAML nodes into Go-like structs, the way yaml.v3 Unmarshal fills them, and
 * the way back to `Struct`s for the encoders. One schema drives both, so field order, names and
 * omitempty cannot drift between what we read and what `diagnose job` prints.
 */
import type { GoMap, Value } from '../gotemplate/value.js';
import { field, Struct, type Enc } from './encode.js';
import type { YNode } from './yamlparse.js';
import { deref, isMap, isScalar, isSeq, kindTag, lineOf, mappingEntries, rawKey, scalarResolved, scalarText, toValue, YamlError, type YamlDoc } from './yaml.js';

export type Schema =
  | { readonly t: 'string' } | { readonly t: 'bool' } | { readonly t: 'int' }
  | { readonly t: 'list'; readonly of: Schema }
  | { readonly t: 'ptr'; readonly of: Schema }
  /** map[string]interface{} */
  | { readonly t: 'values' }
  /** map[string]string */
  | { readonly t: 'strmap' }
  | { readonly t: 'struct'; readonly go: string; readonly fields: readonly FieldSchema[] };

export interface FieldSchema { readonly key: string; readonly s: Schema; readonly omitempty: boolean }

export const str = { t: 'string' } as const;
export const bool = { t: 'bool' } as const;
export const int = { t: 'int' } as const;
export const values = { t: 'values' } as const;
export const strmap = { t: 'strmap' } as const;
export const list = <S extends Schema>(of: S) => ({ t: 'list', of }) as const;
export const ptr = <S extends Schema>(of: S) => ({ t: 'ptr', of }) as const;
export const struct = (go: string, fields: ReadonlyArray<readonly [string, Schema, boolean?]>) =>
  ({ t: 'struct', go, fields: fields.map(([key, s, omitempty = true]) => ({ key, s, omitempty })) }) as const;

/** A decoding error that knows the field path (`jobs[1].source.type`) and the line. */
export class FieldError extends Error {
  override name = 'FieldError';
  constructor(readonly path: string, readonly reason: string, readonly line?: number) {
    super(`${line ? `line ${line}: ` : ''}${path ? `${path}: ` : ''}${reason}`);
  }
}

const goName = (s: Schema): string => {
  switch (s.t) {
    case 'string': return 'string';
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'list': return `[]${goName(s.of)}`;
    case 'ptr': return `*${goName(s.of)}`;
    case 'values': return 'map[string]interface {}';
    case 'strmap': return 'map[string]string';
    case 'struct': return s.go;
  }
};

const join = (path: string, key: string | number) => typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Decodes `node` as yaml.v3 would into a Go value of type `s`; structs become plain objects keyed by YAML names. */
export function decodeAs(d: YamlDoc, node: YNode | null, s: Schema, path = ''): unknown {
  const fail = (why: string, n: YNode | null = node): never => { throw new FieldError(path, why, lineOf(d, n)); };
  const mismatch = (n: YNode): never => {
    const t = deref(d, n);
    return fail(`cannot unmarshal ${kindTag(d, t)}${isScalar(t) ? ` \`${String(t.value)}\`` : ''} into ${goName(s)}`, n);
  };
  try {
    const t = node === null ? null : deref(d, node);
    const isNull = t === null || (isScalar(t) && scalarResolved(d, t).value === null);
    switch (s.t) {
      case 'string':
        if (t === null) return '';
        if (!isScalar(t)) return mismatch(t);
        return scalarText(d, t);
      case 'bool': {
        if (isNull) return false;
        const r = isScalar(t) ? scalarResolved(d, t) : undefined;
        return typeof r?.value === 'boolean' ? r.value : mismatch(t!);
      }
      case 'int': {
        if (isNull) return 0;
        const r = isScalar(t) ? scalarResolved(d, t) : undefined;
        return typeof r?.value === 'number' ? r.value : mismatch(t!);
      }
      case 'ptr':
        return isNull ? null : decodeAs(d, node, s.of, path);
      case 'list':
        if (isNull) return [];
        if (!isSeq(t)) return mismatch(t!);
        return t.items.map((item, i) => decodeAs(d, item, s.of, join(path, i)));
      case 'values':
      case 'strmap': {
        if (isNull) return null;
        if (!isMap(t)) return mismatch(t!);
        const m = new Map<string, Value>();
        for (const [k, v] of mappingEntries(d, t, rawKey(d)))
          m.set(k, s.t === 'values' ? toValue(d, v) : decodeAs(d, v, str, join(path, k)) as string);
        return m;
      }
      case 'struct': {
        const out: Record<string, unknown> = {};
        const entries = isNull ? new Map<string, YNode | null>() : isMap(t) ? mappingEntries(d, t, rawKey(d)) : mismatch(t!);
        for (const f of s.fields) out[f.key] = decodeAs(d, entries.get(f.key) ?? null, f.s, join(path, f.key));
        return out;
      }
    }
  } catch (e) {
    if (e instanceof YamlError) throw new FieldError(path, e.reason, e.line ?? lineOf(d, node));
    throw e;
  }
}

/** The `Struct`/value tree the encoders print for a decoded value of type `s`. */
export function toEnc(v: unknown, s: Schema): Enc {
  switch (s.t) {
    case 'string': case 'bool': case 'int': return v as Value;
    case 'ptr': return v === null || v === undefined ? null : toEnc(v, s.of);
    case 'list': return (v as unknown[]).map((x) => toEnc(x, s.of));
    case 'values': case 'strmap': return (v ?? null) as GoMap | null;
    case 'struct': {
      const o = v as Record<string, unknown>;
      return new Struct(s.fields.map((f) => field(f.key, toEnc(o[f.key], f.s), f.omitempty)));
    }
  }
}
