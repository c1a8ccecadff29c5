/**
 * Output as Go prints it: `yaml.v3.Marshal` (4-space indent, sequences indented under their key,
 * literal blocks for multi-line strings, yaml.v3's quoting and "natural" key order) and
 * `encoding/json.Marshal` (HTML-safe escaping, sorted map keys, Go float formatting).
 *
 * Go structs are `Struct`s: fields in declaration order, each with yaml/json omitempty flags.
 */
import { formatFloat } from '../gotemplate/format.js';
import { jsonFloat, JsonError, jsonString } from '../gotemplate/funcs/json.js';
import { byteCompare } from '../gotemplate/funcs/lists.js';
import { formatTime, RFC3339NANO } from '../gotemplate/funcs/timefmt.js';
import { GoFloat, GoStruct, GoTime, type Value } from '../gotemplate/value.js';
import { resolveScalar } from './yaml.js';

export interface Field {
  readonly name: string;
  readonly value: Enc;
  /** `omitempty` (yaml.v3 omits a struct when all its fields are zero; encoding/json never omits a struct). */
  readonly omitempty: boolean;
  /** encoding/json: flatten this struct's fields into the parent (an embedded struct). */
  readonly inlineJson?: boolean;
}

export class Struct {
  constructor(readonly fields: readonly Field[]) {}
}

/** What the encoders take: the Go value model plus structs and lists of them. */
export type Enc = Value | Struct | readonly Enc[];

/** A value Go's encoders refuse (`json: unsupported value: NaN`, invalid UTF-8). */
export class EncodeError extends Error {
  override name = 'EncodeError';
}

export const field = (name: string, value: Enc, omitempty = true): Field => ({ name, value, omitempty });

// ---------- yaml.v3 ----------

const isMapValue = (v: unknown): v is Map<string, Value> => v instanceof Map;

/** yaml.v3 isZero, for omitempty. */
function isZeroYaml(v: Enc): boolean {
  if (v === null || v === '' || v === 0 || v === false) return true;
  if (v instanceof GoFloat) return v.f === 0;
  if (v instanceof Struct) return v.fields.every((f) => isZeroYaml(f.value));
  if (Array.isArray(v)) return v.length === 0;
  if (isMapValue(v)) return v.size === 0;
  return false;
}

const isLetter = (c: string) => c < '\x80' ? (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') : /\p{L}/u.test(c);
const isDigit = (c: string) => c < '\x80' ? c >= '0' && c <= '9' : /\p{Nd}/u.test(c);

/** yaml.v3's keyList.Less for string keys: letters after other characters, digit runs compared as numbers. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a], br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) { digits = isDigit(ar[i]!); continue; }
    const al = isLetter(ar[i]!), bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return digits ? al : bl;
    let an = 0, bn = 0, ai: number, bi: number;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) if (ar[j] !== '0') { an = 1; bn = 1; break; }
    }
    for (ai = i; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    for (bi = i; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

const sortYamlKeys = (keys: string[]) => keys.sort((x, y) => yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0);

const OLD_BOOL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

const isPrintable = (cp: number) => cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
const isBreak = (cp: number) => cp === 0x0d || cp === 0x0a || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
const isBlankZ = (cp: number | undefined) => cp === undefined || cp === 0x20 || cp === 0x09 || cp === 0 || isBreak(cp);

export interface Analysis { multiline: boolean; flowPlain: boolean; blockPlain: boolean; single: boolean; block: boolean }

const PRINTABLE_ASCII = /^[\x20-\x7e\n]+$/;
const FIRST_INDICATORS = '#,[]{}&*!|>\'"%@`';
const LATER_FLOW_INDICATOR = /.[,?[\]{}:]/;
const LATER_BLOCK_INDICATOR = /.:(?: |$)| #/;

/**
 * yaml_emitter_analyze_scalar. Most strings printed are printable ASCII: their flags come from a
 * few regular expressions, which run natively even in a cold process; other strings take the
 * code-point loop. Both give the same result (test/unit/metro/encode.test.ts).
 */
export function analyze(value: string): Analysis {
  if (!PRINTABLE_ASCII.test(value)) return analyzeByCodePoint(value);
  const trailingSpace = value.endsWith(' ');
  if (value.includes('\n')) {
    // Line breaks: never plain; a space next to a break rules out single quotes and a literal block.
    const spaceBreak = value.includes(' \n');
    return { multiline: true, flowPlain: false, blockPlain: false, single: !spaceBreak && !value.includes('\n '), block: !spaceBreak && !trailingSpace };
  }
  const c = value[0]!;
  const followedBySpace = value.length === 1 || value[1] === ' ';
  const both = value.startsWith('---') || value.startsWith('...') || FIRST_INDICATORS.includes(c);
  const flowInd = both || c === '?' || c === ':' || (c === '-' && followedBySpace) || LATER_FLOW_INDICATOR.test(value) || value.includes(' #');
  const blockInd = both || ((c === '?' || c === ':' || c === '-') && followedBySpace) || LATER_BLOCK_INDICATOR.test(value);
  const spaced = c === ' ' || trailingSpace;
  return { multiline: false, flowPlain: !spaced && !flowInd, blockPlain: !spaced && !blockInd, single: true, block: !trailingSpace };
}

/** yaml_emitter_analyze_scalar by code point, as yaml.v3 does it (no allocation). */
export function analyzeByCodePoint(value: string): Analysis {
  if (value === '') return { multiline: false, flowPlain: false, blockPlain: true, single: true, block: false };
  let blockInd = false, flowInd = false, lineBreaks = false, special = false, tabs = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, breakSpace = false, spaceBreak = false;
  let prevSpace = false, prevBreak = false, precededByWs = true;
  if (value.startsWith('---') || value.startsWith('...')) { blockInd = true; flowInd = true; }
  const n = value.length;
  for (let i = 0; i < n;) {
    const c = value.codePointAt(i)!;
    const w = c > 0xffff ? 2 : 1;
    const last = i + w >= n;
    const followedByWs = last || isBlankZ(value.codePointAt(i + w));
    if (i === 0) {
      switch (c) {
        case 0x23: case 0x2c: case 0x5b: case 0x5d: case 0x7b: case 0x7d: case 0x26: case 0x2a: case 0x21: case 0x7c:
        case 0x3e: case 0x27: case 0x22: case 0x25: case 0x40: case 0x60:   // # , [ ] { } & * ! | > ' " % @ `
          flowInd = true; blockInd = true; break;
        case 0x3f: case 0x3a:                                               // ? :
          flowInd = true; if (followedByWs) blockInd = true; break;
        case 0x2d:                                                          // -
          if (followedByWs) { flowInd = true; blockInd = true; } break;
      }
    } else {
      switch (c) {
        case 0x2c: case 0x3f: case 0x5b: case 0x5d: case 0x7b: case 0x7d: flowInd = true; break;
        case 0x3a: flowInd = true; if (followedByWs) blockInd = true; break;
        case 0x23: if (precededByWs) { flowInd = true; blockInd = true; } break;
      }
    }
    if (c === 0x09) tabs = true;
    else if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true; prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false; prevBreak = true;
    } else { prevSpace = false; prevBreak = false; }
    precededByWs = isBlankZ(c);
    i += w;
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) { a.flowPlain = false; a.blockPlain = false; }
  if (trailingSpace) a.block = false;
  if (breakSpace) { a.flowPlain = false; a.blockPlain = false; a.single = false; }
  if (spaceBreak || tabs || special) { a.flowPlain = false; a.blockPlain = false; a.single = false; }
  if (spaceBreak || special) a.block = false;
  if (lineBreaks) { a.flowPlain = false; a.blockPlain = false; }
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

const ESCAPES: Record<number, string> = { 0: '0', 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P' };

function doubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
      const e = ESCAPES[c];
      if (e) out += `\\${e}`;
      else if (c <= 0xff) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
      else if (c <= 0xffff) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
      else out += `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** yaml.v3 stringv + yaml_emitter_select_scalar_style for a string. */
function stringStyle(s: string, simpleKey: boolean): Style {
  let canUsePlain = true;
  if (resolveScalar('', s).tag !== '!!str' || BASE60_FLOAT.test(s) || OLD_BOOL.has(s)) canUsePlain = false;
  let style: Style = s.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double';
  const a = analyze(s);
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlain) style = 'single';
    if (s === '' && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.single) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

/** Go strings are bytes; a JS string with lone surrogates is not valid UTF-8 (yaml.v3 would write !!binary). */
const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

class YamlWriter {
  out = '';
  openEnded = false;
  /** The last scalar written was a block scalar, which ends its own line. */
  endedLine = false;

  /** A scalar's text on the current line; `indent` is where a block scalar's lines go. */
  scalar(v: Value, indent: number, simpleKey = false): void {
    this.endedLine = false;
    if (v === null) { this.out += 'null'; return; }
    if (typeof v === 'boolean') { this.out += String(v); return; }
    if (typeof v === 'number' || typeof v === 'bigint') { this.out += String(v); return; }
    if (v instanceof GoFloat) {
      const s = formatFloat(v.f, 'g', -1);
      this.out += s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s;
      return;
    }
    if (v instanceof GoTime) { this.out += formatTime(v, RFC3339NANO); return; }
    if (typeof v !== 'string') throw new Error('internal: not a scalar');
    if (hasLoneSurrogate(v)) throw new EncodeError('yaml: cannot marshal invalid UTF-8 data');
    switch (stringStyle(v, simpleKey)) {
      case 'plain': this.out += v; return;
      case 'single': this.out += `'${v.replaceAll("'", "''")}'`; return;
      case 'double': this.out += doubleQuoted(v); return;
      case 'literal': this.literal(v, indent); this.endedLine = true; return;
    }
  }

  literal(v: string, indent: number): void {
    let hints = '|';
    if (v[0] === ' ' || isBreak(v.codePointAt(0)!)) hints += '4';
    this.openEnded = false;
    const last = v.length - 1;
    if (!isBreak(v.charCodeAt(last))) hints += '-';
    else if (last === 0 || isBreak(v.charCodeAt(last - 1))) { hints += '+'; this.openEnded = true; }
    this.out += `${hints}\n`;
    const pad = ' '.repeat(indent);
    const parts = v.split(/(\n|\u2028|\u2029)/);   // lines and the breaks between them
    let breaks = true;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i % 2 === 1) { this.out += p; breaks = true; }
      else if (p !== '') { this.out += pad + p; breaks = false; }
    }
    if (!breaks) this.out += '\n';
  }

  /** The indent of a node below a mapping key at `indent` (the next multiple of 4). */
  static below = (indent: number) => 4 * Math.floor((indent + 4) / 4);

  /** Writes a mapping's entries; the first key may continue the current line (after "- "). */
  mapping(entries: ReadonlyArray<readonly [string, Enc]>, indent: number, firstInline: boolean): void {
    entries.forEach(([k, v], i) => {
      if (i > 0 || !firstInline) this.out += ' '.repeat(indent);
      this.scalar(k, indent, true);
      this.out += ':';
      this.value(v, YamlWriter.below(indent), true);
    });
  }

  /** A node after "key:" or "-": scalars on the same line, collections on the next lines. */
  value(v: Enc, indent: number, afterKey: boolean): void {
    const entries = yamlEntries(v);
    if (entries) {
      if (entries.length === 0) { this.out += ' {}\n'; return; }
      if (afterKey) { this.out += '\n'; this.mapping(entries, indent, false); }
      else { this.out += ' '; this.mapping(entries, indent, true); }
      return;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) { this.out += ' []\n'; return; }
      if (afterKey) { this.out += '\n'; this.sequence(v, indent, false); }
      else { this.out += ' '; this.sequence(v, indent, true); }
      return;
    }
    this.out += ' ';
    this.scalar(v as Value, indent);
    // (not out.endsWith: that flattens the growing string every time)
    if (!this.endedLine) this.out += '\n';
  }

  sequence(items: readonly Enc[], indent: number, firstInline: boolean): void {
    items.forEach((item, i) => {
      if (i > 0 || !firstInline) this.out += ' '.repeat(indent);
      this.out += '-';
      this.value(item, indent + 2, false);
    });
  }
}

/** A mapping's entries in yaml.v3 order, or undefined when `v` is not a mapping. */
function yamlEntries(v: Enc): Array<readonly [string, Enc]> | undefined {
  if (v instanceof Struct) return v.fields.filter((f) => !(f.omitempty && isZeroYaml(f.value))).map((f) => [f.name, f.value] as const);
  if (v instanceof GoStruct) return [...v.fields];
  if (isMapValue(v)) return sortYamlKeys([...v.keys()]).map((k) => [k, v.get(k)!] as const);
  return undefined;
}

/** yaml.v3 Marshal: the document text, ending with a newline. */
export function encodeYaml(v: Enc): string {
  const w = new YamlWriter();
  const entries = yamlEntries(v);
  if (entries) {
    if (entries.length === 0) return '{}\n';
    w.mapping(entries, 0, false);
  } else if (Array.isArray(v)) {
    if (v.length === 0) return '[]\n';
    w.sequence(v, 0, false);
  } else {
    w.scalar(v as Value, 0);
    if (!w.endedLine) w.out += '\n';
  }
  if (w.openEnded) w.out += '...\n';
  return w.out;
}

// ---------- encoding/json ----------

/** encoding/json isEmptyValue: structs are never empty. */
const isEmptyJson = (v: Enc) => v === null || v === '' || v === 0 || v === false || (v instanceof GoFloat && v.f === 0)
  || (Array.isArray(v) && v.length === 0) || (isMapValue(v) && v.size === 0);

function jsonFields(s: Struct): Array<readonly [string, Enc]> {
  return s.fields.flatMap((f) => f.inlineJson && f.value instanceof Struct ? jsonFields(f.value)
    : f.omitempty && isEmptyJson(f.value) ? [] : [[f.name, f.value] as const]);
}

/** encoding/json Marshal (no trailing newline). */
export function encodeJson(v: Enc): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return jsonString(v, true);
  if (v instanceof GoFloat) {
    try { return jsonFloat(v.f); } catch (e) { throw e instanceof JsonError ? new EncodeError(e.message) : e; }
  }
  if (v instanceof GoTime) return jsonString(formatTime(v, RFC3339NANO), true);
  if (Array.isArray(v)) return `[${v.map(encodeJson).join(',')}]`;
  if (v instanceof Struct) return `{${jsonFields(v).map(([k, x]) => `${jsonString(k, true)}:${encodeJson(x)}`).join(',')}}`;
  if (v instanceof GoStruct) return `{${[...v.fields].map(([k, x]) => `${jsonString(k, true)}:${encodeJson(x)}`).join(',')}}`;
  const m = v as Map<string, Value>;
  return `{${[...m.keys()].sort(byteCompare).map((k) => `${jsonString(k, true)}:${encodeJson(m.get(k)!)}`).join(',')}}`;
}
