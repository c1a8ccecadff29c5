/**
 * Go string primitives over JavaScript strings: unicode.IsSpace, strings.TrimSpace/Trim,
 * strings.Title, per-rune case mapping (Go maps case rune by rune, so "ß" stays "ß"),
 * byte-indexed slicing (Go strings are UTF-8 bytes), strings.Split/SplitN.
 */
import { GoFuncError } from '../value.js';

const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
export const isSpace = (ch: string): boolean => SPACE.test(ch);

const LEAD_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
const TRAIL_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;
/** strings.TrimSpace */
export const trimSpace = (s: string): string => s.replace(LEAD_SPACE, '').replace(TRAIL_SPACE, '');

/** strings.Trim(s, cutset) */
export function trimCutset(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(Array.from(cutset));
  const runes = Array.from(s);
  let a = 0;
  let b = runes.length;
  while (a < b && set.has(runes[a]!)) a++;
  while (b > a && set.has(runes[b - 1]!)) b--;
  return runes.slice(a, b).join('');
}

export const isLetter = (ch: string): boolean => /^\p{L}$/u.test(ch);
export const isDigit = (ch: string): boolean => /^\p{Nd}$/u.test(ch);
export const isNumber = (ch: string): boolean => /^\p{N}$/u.test(ch);
export const isUpper = (ch: string): boolean => /^\p{Lu}$/u.test(ch);
export const isLower = (ch: string): boolean => /^\p{Ll}$/u.test(ch);
export const isTitle = (ch: string): boolean => /^\p{Lt}$/u.test(ch);
export const isPunct = (ch: string): boolean => /^\p{P}$/u.test(ch);

/** unicode.ToUpper of one rune (simple mapping: a rune maps to one rune or to itself). */
export function runeUpper(ch: string): string {
  const u = ch.toUpperCase();
  return Array.from(u).length === 1 ? u : ch;
}
export function runeLower(ch: string): string {
  const l = ch.toLowerCase();
  return Array.from(l).length === 1 ? l : ch;
}
/** unicode.ToTitle: like ToUpper except for the few title-case digraphs. */
export function runeTitle(ch: string): string {
  const tc: Record<string, string> = { 'Ǆ': 'ǅ', 'ǅ': 'ǅ', 'ǆ': 'ǅ', 'Ǉ': 'ǈ', 'ǈ': 'ǈ', 'ǉ': 'ǈ', 'Ǌ': 'ǋ', 'ǋ': 'ǋ', 'ǌ': 'ǋ', 'Ǳ': 'ǲ', 'ǲ': 'ǲ', 'ǳ': 'ǲ' };
  return tc[ch] ?? runeUpper(ch);
}

export const toUpper = (s: string): string => (/^[\x00-\x7f]*$/.test(s) ? s.toUpperCase() : Array.from(s, runeUpper).join(''));
export const toLower = (s: string): string => (/^[\x00-\x7f]*$/.test(s) ? s.toLowerCase() : Array.from(s, runeLower).join(''));

/** strings.Title (deprecated in Go, still what sprig's `title` calls). */
export function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? runeTitle(ch) : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) return false;
    return true;
  }
  if (isLetter(ch) || isDigit(ch)) return false;
  return isSpace(ch);
}

/** UTF-8 length of a string (Go's len). */
export const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');
const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

/** s[a:b] with Go's byte indices and its runtime panics. `b` undefined means s[a:]. */
export function sliceBytes(s: string, a: number | undefined, b: number | undefined): string {
  const n = byteLen(s);
  const lo = a ?? 0;
  const hi = b ?? n;
  if (b !== undefined && (hi > n || hi < 0)) {
    throw new GoFuncError(`runtime error: slice bounds out of range [:${hi}] with length ${n}`);
  }
  if (lo < 0 || lo > hi) throw new GoFuncError(`runtime error: slice bounds out of range [${lo}:${hi}]`);
  if (isAscii(s)) return s.slice(lo, hi);
  return Buffer.from(s, 'utf8').subarray(lo, hi).toString('utf8');
}

/** strings.SplitN(s, sep, n); n < 0 means all. */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const runes = Array.from(s);
    if (n < 0 || n >= runes.length) return runes;
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}
