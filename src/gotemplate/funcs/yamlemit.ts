/**
 * A YAML emitter that writes what go-yaml's (libyaml-derived) emitter writes for plain data:
 * block style, sorted keys, scalar style chosen by go-yaml's resolver (strings that would read
 * back as another type are double-quoted) and libyaml's analysis (single quotes when plain is
 * not allowed, literal blocks for multi-line text), long lines folded at column 80 (v2).
 */
import { formatFloat } from '../format.js';
import { GoFloat, GoStruct, GoTime, type GoMap, type Value } from '../value.js';
import { formatTime, RFC3339NANO } from './timefmt.js';

export interface EmitOptions {
  /** yaml.v3 indents sequences inside mappings; yaml.v2 does not. */
  readonly indentSequencesInMappings?: boolean;
  /** go-yaml v2 folds plain/quoted scalars past this column; v3 does not (0). */
  readonly width?: number;
  /** v3's resolver (YAML 1.2 bools/nulls + old bools quoted) instead of v2's YAML 1.1. */
  readonly v3?: boolean;
}

// ----- go-yaml's resolver: would this plain text read back as something other than a string? ----

const V2_SPECIAL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO',
  'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF',
  '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** go-yaml v2's parseTimestamp: the layouts it tries on plain scalars. */
function looksLikeTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)| (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?)?$/.exec(s);
  if (!m) return false;
  const [mo, d] = [Number(m[2]), Number(m[3])];
  const h = Number(m[5] ?? m[8] ?? 0), mi = Number(m[6] ?? m[9] ?? 0), se = Number(m[7] ?? m[10] ?? 0);
  const dim = new Date(Date.UTC(2000, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= Math.max(dim, mo === 2 ? 29 : dim) && h < 24 && mi < 60 && se < 60;
}

function goParseIntOk(s: string): boolean {
  return /^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.test(s) && !/__|_$/.test(s);
}

/** True when go-yaml would resolve the plain scalar to a non-string tag. */
function resolvesToNonString(s: string, v3: boolean): boolean {
  if (v3) {
    if (['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].includes(s)) return true;
  }
  if (V2_SPECIAL.has(s)) return true;
  const c = s[0]!;
  if (c === '.' ) return Number.isFinite(Number(s)) && YAML_FLOAT.test(s);
  if (!('-+0123456789'.includes(c))) return false;
  if (looksLikeTimestamp(s)) return true;
  const plain = s.replace(/_/g, '');
  if (goParseIntOk(s) || /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(plain)) return true;
  if (YAML_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

// ----- character classes as libyaml sees them --------------------------------------------------

const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isSpace = (c: number) => c === 0x20;
const isBlankz = (c: number | undefined) => c === undefined || c === 0x20 || c === 0x09 || isBreak(c) || c === 0;
function isPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

interface Analysis { multiline: boolean; flowPlain: boolean; blockPlain: boolean; single: boolean; block: boolean }

function analyze(value: string): Analysis {
  if (value === '') return { multiline: false, flowPlain: false, blockPlain: true, single: true, block: false };
  const cs = Array.from(value, (ch) => ch.codePointAt(0)!);
  let blockInd = false, flowInd = false, lineBreaks = false, special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) { blockInd = true; flowInd = true; }
  let precededByWs = true;
  let followedByWs = isBlankz(cs[1]);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) { flowInd = true; blockInd = true; }
      else if (ch === '?' || ch === ':') { flowInd = true; if (followedByWs) blockInd = true; }
      else if (ch === '-' && followedByWs) { flowInd = true; blockInd = true; }
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      else if (ch === ':') { flowInd = true; if (followedByWs) blockInd = true; }
      else if (ch === '#' && precededByWs) { flowInd = true; blockInd = true; }
    }
    if (!isPrintable(c)) special = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === cs.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true; prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cs.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true; prevSpace = false;
    } else { prevSpace = false; prevBreak = false; }
    precededByWs = isBlankz(c);
    followedByWs = isBlankz(cs[i + 2]);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) { a.flowPlain = false; a.blockPlain = false; }
  if (trailingSpace) a.block = false;
  if (breakSpace) { a.flowPlain = false; a.blockPlain = false; a.single = false; }
  if (spaceBreak || special) { a.flowPlain = false; a.blockPlain = false; a.single = false; a.block = false; }
  if (lineBreaks) { a.flowPlain = false; a.blockPlain = false; }
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

// ----- the emitter ---------------------------------------------------------------------------------

type Style = 'plain' | 'single' | 'double' | 'literal';

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  openEnded = false;
  indent = -1;
  private readonly indents: number[] = [];
  constructor(readonly o: EmitOptions) {}

  private put(s: string) { this.out += s; this.column += Array.from(s).length; }
  private putBreak() { this.out += '\n'; this.column = 0; }
  increaseIndent(flow: boolean, indentless: boolean) {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? 2 : 0;
    else if (!indentless) this.indent += 2;
  }
  popIndent() { this.indent = this.indents.pop()!; }
  writeIndent() {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  writeIndicator(ind: string, needWs: boolean, isWs: boolean, isIndention: boolean) {
    if (needWs && !this.whitespace) this.put(' ');
    this.put(ind);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  node(v: Value, ctx: { mapping?: boolean; simpleKey?: boolean }) {
    if (v instanceof Map || v instanceof GoStruct) {
      const entries = v instanceof GoStruct ? [...v.fields] : sortedEntries(v);
      if (entries.length === 0) { this.writeIndicator('{', true, true, false); this.writeIndicator('}', false, false, false); return; }
      this.increaseIndent(false, false);
      for (const [k, x] of entries) {
        this.writeIndent();
        this.scalar(k, true, true);
        this.writeIndicator(':', false, false, false);
        this.node(x, { mapping: true });
      }
      this.popIndent();
      return;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) { this.writeIndicator('[', true, true, false); this.writeIndicator(']', false, false, false); return; }
      const indentless = !!ctx.mapping && !this.indention && !this.o.indentSequencesInMappings;
      this.increaseIndent(false, indentless);
      for (const x of v) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.node(x, {});
      }
      this.popIndent();
      return;
    }
    if (typeof v === 'string') { this.scalar(v, false, !!ctx.simpleKey); return; }
    this.plainText(scalarText(v));
  }

  private plainText(text: string) {
    this.increaseIndent(true, false);
    this.writePlain(text, true);
    this.popIndent();
  }

  /** A string scalar: the style go-yaml's encoder asks for, then the emitter's own checks. */
  scalar(s: string, isKey: boolean, simpleKey: boolean) {
    simpleKey = simpleKey || isKey;
    const v3 = !!this.o.v3;
    let style: Style;
    const canPlain = !resolvesToNonString(s, v3) && !BASE60.test(s);
    if (s.includes('\n')) style = 'literal';
    else if (canPlain) style = 'plain';
    else style = 'double';
    const a = analyze(s);
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (s === '' && simpleKey) style = 'single';
    }
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain': this.writePlain(s, allowBreaks); break;
      case 'single': this.writeSingle(s, allowBreaks); break;
      case 'double': this.writeDouble(s, allowBreaks); break;
      case 'literal': this.writeLiteral(s); break;
    }
    this.popIndent();
  }

  private get width() { return this.o.width ?? 80; }
  private fold(allowBreaks: boolean) { return allowBreaks && this.width > 0 && this.column > this.width; }

  private writePlain(s: string, allowBreaks: boolean) {
    if (!this.whitespace && s !== '') this.put(' ');
    const cs = Array.from(s);
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      if (ch === ' ') {
        if (!spaces && this.fold(allowBreaks) && cs[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else { this.put(ch); spaces = false; }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(s: string, allowBreaks: boolean) {
    this.writeIndicator("'", true, false, false);
    const cs = Array.from(s);
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      if (ch === ' ') {
        if (!spaces && this.fold(allowBreaks) && i !== 0 && i !== cs.length - 1 && cs[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else {
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.writeIndicator("'", false, false, false);
  }

  private writeDouble(s: string, allowBreaks: boolean) {
    this.writeIndicator('"', true, false, false);
    const cs = Array.from(s);
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      const c = ch.codePointAt(0)!;
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || ch === '"' || ch === '\\') {
        const named: Record<number, string> = {
          0: '0', 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\',
          0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        let e = named[c];
        if (e === undefined) {
          const hex = c.toString(16).toUpperCase();
          e = c <= 0xff ? 'x' + hex.padStart(2, '0') : c <= 0xffff ? 'u' + hex.padStart(4, '0') : 'U' + hex.padStart(8, '0');
        }
        this.put('\\' + e);
        spaces = false;
      } else if (ch === ' ') {
        if (!spaces && this.fold(allowBreaks) && i !== 0 && i !== cs.length - 1) {
          this.writeIndent();
          if (cs[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else { this.put(ch); spaces = false; }
    }
    this.writeIndicator('"', false, false, false);
  }

  private writeLiteral(s: string) {
    this.writeIndicator('|', true, false, false);
    const cs = Array.from(s);
    if (cs[0] === ' ' || isBreak(cs[0]!.codePointAt(0)!)) this.put('2');
    this.openEnded = false;
    const last = cs[cs.length - 1]!.codePointAt(0)!;
    if (!isBreak(last)) this.put('-');
    else if (cs.length === 1 || isBreak(cs[cs.length - 2]!.codePointAt(0)!)) { this.put('+'); this.openEnded = true; }
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of cs) {
      if (isBreak(ch.codePointAt(0)!)) { this.putBreak(); this.indention = true; breaks = true; }
      else {
        if (breaks) { this.writeIndent(); breaks = false; }
        this.put(ch);
        this.indention = false;
      }
    }
  }

  document(v: Value): string {
    this.node(v, {});
    // Document end: a final line break. go-yaml clears open_ended before the stream end, so
    // a `|+` block is not followed by `...`.
    this.writeIndent();
    return this.out;
  }
}

/** The plain text of a non-string scalar, as go-yaml writes it. */
function scalarText(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof GoFloat) {
    const s = formatFloat(v.f, 'g', -1);
    return s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s;
  }
  if (v instanceof GoTime) return formatTime(v, RFC3339NANO);
  return String(v);
}

/** go-yaml v2's key order (keyList.Less): digit runs compare as numbers, letters before others. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  const letter = (c: string) => /\p{L}/u.test(c);
  const digit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = letter(ar[i]!);
    const bl = letter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && digit(ar[j]); j--) {
        if (ar[j] !== '0') { an = 1; bn = 1; break; }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && digit(ar[ai]); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && digit(br[bi]); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function sortedEntries(m: GoMap): [string, Value][] {
  return [...m].sort((x, y) => (yamlKeyLess(x[0], y[0]) ? -1 : yamlKeyLess(y[0], x[0]) ? 1 : 0));
}

/** yaml.Marshal output (one document, ending in a newline). */
export function emitYaml(v: Value, o: EmitOptions = {}): string {
  return new Emitter(o).document(v);
}

