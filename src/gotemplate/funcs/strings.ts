/**
 * sprig's string functions (strings.go, functions.go) with goutils and xstrings semantics.
 */
import { nodeCrypto } from '../../util/vendor.js';
import { formatV, quoteGo } from '../format.js';
import { GoFuncError, typedSlice, type GoFunc, type Value } from '../value.js';
import { parseIntGo, strval } from './convert.js';
import { fn, fnv } from './define.js';
import {
  byteLen, isLetter, isLower, isNumber, isPunct, isSpace, isTitle, isUpper, runeLower, runeUpper,
  sliceBytes, splitN, title, toLower, toUpper, trimCutset, trimSpace,
} from './text.js';

/** goutils.AbbreviateFull */
function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === '') return '';
  const n = byteLen(s);
  if (n <= maxWidth) return s;
  if (offset > n) offset = n;
  if (n - offset < maxWidth - 3) offset = n - (maxWidth - 3);
  if (offset <= 4) return sliceBytes(s, 0, maxWidth - 3) + '...';
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < n) return '...' + abbreviateFull(sliceBytes(s, offset, undefined), 0, maxWidth - 3);
  return '...' + sliceBytes(s, n - (maxWidth - 3), undefined);
}

/** goutils.WrapCustom */
export function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (str === '') return '';
  if (newLine === '') newLine = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const n = str.length;
  let offset = 0;
  let out = '';
  while (n - offset > wrapLength) {
    if (str[offset] === ' ') { offset++; continue; }
    const end = wrapLength + offset + 1;
    let at = str.slice(offset, end).lastIndexOf(' ') + offset;
    if (at >= offset) {
      out += str.slice(offset, at) + newLine;
      offset = at + 1;
    } else if (wrapLongWords) {
      out += str.slice(offset, wrapLength + offset) + newLine;
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const idx = str.slice(e).indexOf(' ');
      if (idx === -1) { out += str.slice(offset); offset = n; }
      else { at = idx + e; out += str.slice(offset, at) + newLine; offset = at + 1; }
    }
  }
  return out + str.slice(offset);
}

/** goutils.Uncapitalize: lower-cases the first byte of each whitespace-separated word (ASCII only). */
function uncapitalize(s: string): string {
  let out = '';
  let next = true;
  for (const ch of s) {
    if (isSpace(ch)) { next = true; out += ch; continue; }
    out += next && ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
    next = false;
  }
  return out;
}

function initials(s: string): string {
  let out = '';
  let gap = true;
  for (const ch of s) {
    if (isSpace(ch)) gap = true;
    else if (gap) { out += ch; gap = false; }
  }
  return out;
}

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
function randomFrom(chars: string, count: number): string {
  if (count < 0) return '';
  let out = '';
  for (let i = 0; i < count; i++) out += chars[nodeCrypto().randomInt(chars.length)];
  return out;
}
let ASCII = '';
for (let c = 32; c <= 126; c++) ASCII += String.fromCharCode(c);

function shuffle(s: string): string {
  const r = Array.from(s);
  for (let i = r.length - 1; i > 0; i--) {
    const j = nodeCrypto().randomInt(i + 1);
    [r[i], r[j]] = [r[j]!, r[i]!];
  }
  return r.join('');
}

function swapCase(s: string): string {
  let out = '';
  for (const ch of s) out += isUpper(ch) || isTitle(ch) ? runeLower(ch) : isLower(ch) ? runeUpper(ch) : ch;
  return out;
}

// ----- xstrings: ToPascalCase (sprig's camelcase), ToSnakeCase, ToKebabCase ------------------

const isConnector = (r: string) => r === '-' || r === '_' || isSpace(r);
const isCJK = (r: string) => /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u.test(r);
const isAlphabet = (r: string) => isLetter(r) && !isCJK(r);

function pascalCase(str: string): string {
  const rs = Array.from(str);
  if (rs.length === 0) return '';
  let out = '';
  let i = 0;
  let r0 = '';
  let found = false;
  while (i < rs.length) {
    r0 = rs[i++]!;
    if (!isConnector(r0)) { r0 = runeUpper(r0); found = true; break; }
    out += r0;
  }
  if (i >= rs.length) return found ? out + r0 : out;
  while (i < rs.length) {
    const r1 = r0;
    r0 = rs[i++]!;
    if (isConnector(r0) && isConnector(r1)) { out += r1; continue; }
    if (isConnector(r1)) r0 = runeUpper(r0);
    else out += r1;
  }
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alpha' | 'connector' | 'punct' | 'other';
interface Word { wt: WordType; word: string[]; rest: string[] }

function nextWord(s: string[]): Word {
  if (s.length === 0) return { wt: 'invalid', word: [], rest: [] };
  let off = 1;
  const r = s[0]!;
  const take = (pred: (c: string) => boolean) => { while (off < s.length && pred(s[off]!)) off++; };
  let wt: WordType;
  if (isConnector(r)) { wt = 'connector'; take(isConnector); }
  else if (isPunct(r)) { wt = 'punct'; take(isPunct); }
  else if (isUpper(r)) {
    wt = 'upper';
    if (off < s.length) {
      const r2 = s[off]!;
      if (isUpper(r2)) {
        off++;
        take(isUpper);
        if (off < s.length && isAlphabet(s[off]!)) off--;
      } else if (isAlphabet(r2)) {
        off++;
        take((c) => isAlphabet(c) && !isUpper(c));
      }
    }
  } else if (isAlphabet(r)) { wt = 'alpha'; take((c) => isAlphabet(c) && !isUpper(c)); }
  else if (isNumber(r)) { wt = 'number'; take(isNumber); }
  else { wt = 'other'; take((c) => !(isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c))); }
  return { wt, word: s.slice(0, off), rest: s.slice(off) };
}

function lowerWord(wt: WordType, word: string[], conn: string): string {
  if (wt !== 'upper' && wt !== 'connector') return word.join('');
  return word.map((r) => (isConnector(r) ? conn : isUpper(r) ? runeLower(r) : r)).join('');
}

function camelToLower(str: string, conn: string): string {
  if (str === '') return '';
  let out = '';
  let w = nextWord(Array.from(str));
  const next = () => { w = nextWord(w.rest); return w.wt as WordType; };
  while (w.rest.length > 0) {
    if (w.wt !== 'connector') out += lowerWord(w.wt, w.word, conn);
    const prev = w.wt;
    const last = w.word;
    let wt: WordType = next();
    switch (prev) {
      case 'number':
        while (wt === 'alpha' || wt === 'number') { out += lowerWord(wt, w.word, conn); wt = next(); }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += conn;
        break;
      case 'connector':
        out += lowerWord(prev, last, conn);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += conn;
          break;
        }
        if (w.rest.length === 0) break;
        const lastNum = w.word;
        wt = next();
        if (wt !== 'alpha') {
          out += lowerWord('number', lastNum, conn);
          if (wt !== 'connector' && wt !== 'punct') out += conn;
          break;
        }
        out += conn + lowerWord('number', lastNum, conn);
        while (wt === 'alpha' || wt === 'number') { out += lowerWord(wt, w.word, conn); wt = next(); }
        if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += conn;
      }
    }
  }
  return out + lowerWord(w.wt, w.word, conn);
}

/** sprig's quote: %q of each non-nil argument's strval, space separated. */
const quote = (...args: Value[]) => args.filter((a) => a !== null).map((a) => quoteGo(strval(a), false)).join(' ');
const squote = (...args: Value[]) => args.filter((a) => a !== null).map((a) => `'${formatV(a)}'`).join(' ');

function indent(spaces: number, v: string): string {
  if (spaces < 0) throw new GoFuncError('strings: negative Repeat count');
  const pad = ' '.repeat(spaces);
  return pad + v.split('\n').join('\n' + pad);
}

function substr(start: number, end: number, s: string): string {
  if (start < 0) return sliceBytes(s, undefined, end);
  if (end < 0 || end > byteLen(s)) return sliceBytes(s, start, undefined);
  return sliceBytes(s, start, end);
}

function trunc(c: number, s: string): string {
  const n = byteLen(s);
  if (c < 0 && n + c > 0) return sliceBytes(s, n + c, undefined);
  if (c >= 0 && n > c) return sliceBytes(s, 0, c);
  return s;
}

function repeat(count: number, s: string): string {
  if (count < 0) throw new GoFuncError('strings: negative Repeat count');
  return s.repeat(count);
}

function splitMap(parts: string[]): Map<string, Value> {
  const m = new Map<string, Value>();
  parts.forEach((p, i) => m.set('_' + i, p));
  return m;
}

/** sprig's strslice (toStrings): nil elements are dropped. */
export function strslice(v: Value): string[] {
  if (Array.isArray(v)) return typedSlice(v.filter((x) => x !== null).map(strval), '[]string');
  if (v === null) return typedSlice([], '[]string');
  return typedSlice([strval(v)], '[]string');
}

export const stringFuncs: Record<string, GoFunc> = {
  hello: fn([], () => 'Hello!'),
  abbrev: fn(['int', 'string'], (w: number, s: string) => (w < 4 ? s : abbreviateFull(s, 0, w))),
  abbrevboth: fn(['int', 'int', 'string'], (l: number, r: number, s: string) =>
    (r < 4 || (l > 0 && r < 7) ? s : abbreviateFull(s, l, r))),
  trunc: fn(['int', 'string'], trunc),
  trim: fn(['string'], trimSpace),
  upper: fn(['string'], toUpper),
  lower: fn(['string'], toLower),
  title: fn(['string'], title),
  untitle: fn(['string'], uncapitalize),
  substr: fn(['int', 'int', 'string'], substr),
  repeat: fn(['int', 'string'], repeat),
  trimall: fn(['string', 'string'], (a: string, b: string) => trimCutset(b, a)),
  trimAll: fn(['string', 'string'], (a: string, b: string) => trimCutset(b, a)),
  trimSuffix: fn(['string', 'string'], (a: string, b: string) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: fn(['string', 'string'], (a: string, b: string) => (a !== '' && b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: fn(['string'], (s: string) => Array.from(s).filter((c) => !isSpace(c)).join('')),
  initials: fn(['string'], initials),
  randAlphaNum: fn(['int'], (n: number) => randomFrom(ALPHA + DIGITS, n)),
  randAlpha: fn(['int'], (n: number) => randomFrom(ALPHA, n)),
  randAscii: fn(['int'], (n: number) => randomFrom(ASCII, n)),
  randNumeric: fn(['int'], (n: number) => randomFrom(DIGITS, n)),
  swapcase: fn(['string'], swapCase),
  shuffle: fn(['string'], shuffle),
  snakecase: fn(['string'], (s: string) => camelToLower(s, '_')),
  camelcase: fn(['string'], pascalCase),
  kebabcase: fn(['string'], (s: string) => camelToLower(s, '-')),
  wrap: fn(['int', 'string'], (l: number, s: string) => wrapCustom(s, l, '', false)),
  wrapWith: fn(['int', 'string', 'string'], (l: number, sep: string, s: string) => wrapCustom(s, l, sep, true)),
  contains: fn(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fn(['string', 'string'], (p: string, s: string) => s.startsWith(p)),
  hasSuffix: fn(['string', 'string'], (p: string, s: string) => s.endsWith(p)),
  quote: fnv([], 'interface {}', quote),
  squote: fnv([], 'interface {}', squote),
  cat: fnv([], 'interface {}', (...a: Value[]) => a.filter((x) => x !== null).map(formatV).join(' ')),
  indent: fn(['int', 'string'], indent),
  nindent: fn(['int', 'string'], (n: number, v: string) => '\n' + indent(n, v)),
  replace: fn(['string', 'string', 'string'], (o: string, n: string, s: string) => replaceAll(s, o, n)),
  plural: fn(['string', 'string', 'int'], (one: string, many: string, c: number) => (c === 1 ? one : many)),
  toString: fn(['interface {}'], strval),
  atoi: fn(['string'], (s: string) => atoi(s)),
  split: fn(['string', 'string'], (sep: string, s: string) => splitMap(splitN(s, sep, -1))),
  splitList: fn(['string', 'string'], (sep: string, s: string) => typedSlice(splitN(s, sep, -1), '[]string')),
  splitn: fn(['string', 'int', 'string'], (sep: string, n: number, s: string) => splitMap(splitN(s, sep, n))),
  toStrings: fn(['interface {}'], strslice),
  join: fn(['string', 'interface {}'], (sep: string, v: Value) => strslice(v).join(sep)),
};

/** strings.Replace(s, old, new, -1), including Go's rule for an empty `old`. */
function replaceAll(s: string, old: string, rep: string): string {
  if (old === '') {
    const runes = Array.from(s);
    return rep + runes.map((r) => r + rep).join('');
  }
  return s.split(old).join(rep);
}

/** strconv.Atoi with errors ignored: decimal only, optional sign. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return 0;
  return parseIntGo(s, 10) ?? 0;
}
