/**
 * Value conversions as sprig does them: spf13/cast v1.9.2 (ToInt64, ToInt, ToFloat64, ToBool)
 * and sprig's own `strval` (fmt's %v, or String() for Stringers). ToInt64 returns a Go int64
 * (`bigint`), ToInt a Go int (`number`); all of them accept both.
 */
import { formatV } from '../format.js';
import { GoFloat, type Value } from '../value.js';

/** sprig's strval: a string as it is, anything else through fmt's %v (Stringers included). */
export function strval(v: Value): string {
  return typeof v === 'string' ? v : formatV(v);
}

/** The float64 inside a Go number (int, int64 or float64), NaN for anything else. */
export function num(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoFloat) return v.f;
  return NaN;
}

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * int64(v) of a Go int held as a JS number. A Go int is always within int64's range, so a number
 * beyond it (an int that lost precision above 2^53) is clamped rather than wrapped.
 */
export function int64Of(n: number): bigint {
  if (n >= 9223372036854775807) return INT64_MAX;
  if (n <= -9223372036854775808) return INT64_MIN;
  return BigInt(n);
}

/** strconv.ParseInt(s, base, 64) as a JS number (a Go int); undefined on any error. */
export function parseIntGo(s: string, base = 0): number | undefined {
  const n = parseInt64Go(s, base);
  return n === undefined ? undefined : Number(n);
}

/** strconv.ParseInt(s, base, 64); undefined on any error (syntax or range). */
export function parseInt64Go(s: string, base = 0): bigint | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') { neg = s[0] === '-'; i = 1; }
  let body = s.slice(i);
  let b = base;
  let prefixed = false;
  if (base === 0) {
    b = 10;
    if (body[0] === '0') {
      const p = body[1]?.toLowerCase();
      if (p === 'x') { b = 16; body = body.slice(2); prefixed = true; }
      else if (p === 'o') { b = 8; body = body.slice(2); prefixed = true; }
      else if (p === 'b') { b = 2; body = body.slice(2); prefixed = true; }
      else if (body.length > 1) { b = 8; body = body.slice(1); prefixed = true; }
    }
    if (body.includes('_')) {
      // Go's underscoreOK: only with a base prefix, each '_' between digits (or after the prefix).
      if (!prefixed || !/^_?[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(body)) return undefined;
      body = body.replace(/_/g, '');
    }
  }
  if (body === '') return undefined;
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  let n = 0n;
  const bb = BigInt(b);
  for (const ch of body.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) return undefined;
    n = n * bb + BigInt(d);
    if (n > INT64_MAX + 1n) return undefined;
  }
  if (neg) n = -n;
  if (n > INT64_MAX || n < INT64_MIN) return undefined;
  return n;
}

/** strconv.ParseFloat(s, 64); undefined on a syntax or range error. */
export function parseFloatGo(s: string): number | undefined {
  const lower = s.toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(lower);
  if (m) return m[2] === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  if (/^[+-]?0x/i.test(s)) {
    const hm = /^([+-]?)0x(_?[0-9a-f]+(?:_[0-9a-f]+)*)?(?:\.([0-9a-f_]*))?p([+-]?\d+)$/i.exec(s);
    if (!hm || (!hm[2] && !hm[3])) return undefined;
    const intPart = (hm[2] ?? '').replace(/_/g, '');
    const frac = (hm[3] ?? '').replace(/_/g, '');
    let v = 0;
    for (const c of intPart + frac) v = v * 16 + parseInt(c, 16);
    v = v * 2 ** (Number(hm[4]) - 4 * frac.length);
    return hm[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) return undefined;
  return v;
}

function trimDecimal(s: string): string {
  if (!s.includes('.')) return s;
  const m = /^([-+]?\d*)(\.\d*)?$/.exec(s);
  if (!m) return s;
  const head = m[1]!;
  return head === '-' || head === '+' ? head + '0' : head === '' ? '0' : head;
}

/**
 * Go's int64(f) conversion of a float64: truncation toward zero. NaN, ±Inf and values out of
 * range give what amd64 gives (the "integer indefinite" value, math.MinInt64).
 */
export function truncInt64(f: number): bigint {
  if (!Number.isFinite(f)) return INT64_MIN;
  const t = BigInt(Math.trunc(f));
  return t > INT64_MAX || t < INT64_MIN ? INT64_MIN : t;
}

/** Go's int(f) conversion of a float64, as a JS number (see truncInt64). */
export function truncInt(f: number): number {
  return Number(truncInt64(f));
}

/** cast.ToInt64 (errors give 0): an int64, i.e. a bigint. */
export function toInt64(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return int64Of(v);
  if (v instanceof GoFloat) return truncInt64(v.f);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v === null) return 0n;
  if (typeof v === 'string') {
    if (v === '') return 0n;
    return parseInt64Go(trimDecimal(v)) ?? 0n;
  }
  return 0n;
}

/** cast.ToInt (same rules as ToInt64 on a 64-bit platform): an int, i.e. a number. */
export function toInt(v: Value): number {
  if (typeof v === 'number') return v;
  return Number(toInt64(v));
}

/** cast.ToFloat64 (errors give 0). */
export function toFloat64(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoFloat) return v.f;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return 0;
  if (typeof v === 'string') {
    if (v === '') return 0;
    return parseFloatGo(v) ?? 0;
  }
  return 0;
}

/** strconv.ParseBool; undefined on a syntax error. */
export function parseBoolGo(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** cast.ToBool (errors give false). */
export function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof GoFloat) return v.f !== 0;
  if (typeof v === 'string') return parseBoolGo(v) ?? false;
  return false;
}
