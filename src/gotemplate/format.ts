/**
 * Go's fmt package over the value model: %v (what text/template prints), Sprint, Sprintln and
 * Sprintf with Go's verbs, flags and its in-band error notation (`%!d(string=x)`, `%!(EXTRA …)`,
 * `%!v(MISSING)`). Output must match Go byte for byte, because templates print through it.
 */
import { formatTime } from './funcs/timefmt.js';
import { GoFloat, GoMap, GoStruct, GoTime, Value, goTypeName } from './value.js';

/** Go's `fmt.Sprint(v)`, i.e. `%v` of one value. */
export function formatV(v: Value): string {
  // Fast paths for the common leaves; containers go through the full printer.
  switch (typeof v) {
    case 'string': return v;
    case 'number': return intString(v);
    case 'bigint': return v.toString();
    case 'boolean': return v ? 'true' : 'false';
  }
  if (v === null) return '<nil>';
  if (v instanceof GoFloat) return formatFloatG(v.f, -1);
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}

/** fmt.Sprint: operands are joined with a space when neither side is a string. */
export function sprint(args: readonly Value[]): string {
  const p = new Printer();
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? null;
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(a, 'v');
    prevString = isString;
  }
  return p.buf;
}

/** fmt.Sprintln: always a space between operands, then a newline. */
export function sprintln(args: readonly Value[]): string {
  const p = new Printer();
  for (let i = 0; i < args.length; i++) {
    if (i > 0) p.buf += ' ';
    p.printArg(args[i] ?? null, 'v');
  }
  return p.buf + '\n';
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly Value[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/** A value with Go's `String() string` method (fmt.Stringer), e.g. a *semver.Version struct. */
export interface GoStringer {
  String(): string;
}

/** time.Time.String(), which Go defines as this layout (zone abbreviations from zoneinfo, as Format has them). */
export function goTimeString(t: GoTime): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
}

// ---------------------------------------------------------------------------------------------
// The printer: one buffer plus the flags of the verb being printed, as in Go's fmt.pp.

interface Flags {
  plus: boolean; minus: boolean; sharp: boolean; space: boolean; zero: boolean;
  plusV: boolean; sharpV: boolean;
  wid: number; widPresent: boolean; prec: number; precPresent: boolean;
}

const noFlags = (): Flags => ({
  plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false,
  wid: 0, widPresent: false, prec: 0, precPresent: false,
});

class Printer {
  buf = '';
  f: Flags = noFlags();

  doPrintf(format: string, a: readonly Value[]): void {
    const end = format.length;
    let argNum = 0;
    let reordered = false;
    let i = 0;
    while (i < end) {
      const pct = format.indexOf('%', i);
      if (pct < 0) { this.buf += format.slice(i); break; }
      if (pct > i) this.buf += format.slice(i, pct);
      i = pct + 1;
      const f = (this.f = noFlags());
      let goodArgNum = true;
      // Flags.
      for (; i < end; i++) {
        const c = format[i];
        if (c === '#') f.sharp = true;
        else if (c === '0') f.zero = !f.minus;
        else if (c === '+') f.plus = true;
        else if (c === '-') { f.minus = true; f.zero = false; }
        else if (c === ' ') f.space = true;
        else break;
      }
      // An explicit argument index [n] may precede the width, the precision and the verb.
      const argIndex = (): boolean => {
        if (format[i] !== '[') return false;
        reordered = true;
        const close = format.indexOf(']', i + 1);
        const [n, ni] = close < 0 ? [0, i + 1] : parseNum(format, i + 1);
        const ok = close >= 0 && ni === close && ni > i + 1;
        i = close < 0 ? i + 1 : close + 1;
        if (ok && n - 1 >= 0 && n - 1 < a.length) { argNum = n - 1; return true; }
        goodArgNum = false;
        return ok;
      };
      let afterIndex = argIndex();
      // Width: a number or '*'.
      if (i < end && format[i] === '*') {
        i++;
        const w = intArg(a, argNum);
        argNum++;
        if (w === undefined) this.buf += '%!(BADWIDTH)';
        else {
          f.wid = w; f.widPresent = true;
          if (w < 0) { f.minus = true; f.zero = false; f.wid = -w; }
        }
        afterIndex = false;
      } else {
        const [n, ni] = parseNum(format, i);
        if (ni > i) {
          f.wid = n; f.widPresent = true; i = ni;
          if (afterIndex) goodArgNum = false; // "%[3]2d"
        }
      }
      // Precision.
      if (i + 1 <= end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false; // "%[3].2d"
        afterIndex = argIndex();
        if (i < end && format[i] === '*') {
          i++;
          const p = intArg(a, argNum);
          argNum++;
          if (p === undefined || p < 0) { f.precPresent = false; this.buf += '%!(BADPREC)'; }
          else { f.prec = p; f.precPresent = true; }
          afterIndex = false;
        } else {
          const [n, ni] = parseNum(format, i);
          f.prec = n; f.precPresent = true; i = ni;
        }
      }
      if (!afterIndex) afterIndex = argIndex();
      if (i >= end) { this.buf += '%!(NOVERB)'; break; }
      const verb = String.fromCodePoint(format.codePointAt(i)!);
      i += verb.length;
      if (verb === '%') { this.buf += '%'; continue; }
      if (!goodArgNum) { this.buf += `%!${verb}(BADINDEX)`; continue; }
      if (argNum >= a.length) { this.buf += `%!${verb}(MISSING)`; continue; }
      if (verb === 'v') {
        if (f.sharp) { f.sharp = false; f.sharpV = true; }
        if (f.plus) { f.plus = false; f.plusV = true; }
      }
      this.printArg(a[argNum] ?? null, verb);
      argNum++;
    }
    if (!reordered && argNum < a.length) {
      this.f = noFlags();
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k] ?? null;
        if (arg === null) this.buf += '<nil>';
        else { this.buf += goTypeName(arg) + '='; this.printArg(arg, 'v'); }
      }
      this.buf += ')';
    }
  }

  /** printArg: the top-level operand (a nil interface is `<nil>` only for %v and %T). */
  printArg(arg: Value, verb: string): void {
    if (arg === null) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null);
      return;
    }
    if (verb === 'T') { this.pad(goTypeName(arg)); return; }
    this.printValue(arg, verb, 0);
  }

  printValue(v: Value, verb: string, depth: number): void {
    if (v === null) {
      // A nil element inside a container prints as <nil> whatever the verb.
      if (depth > 0) { this.pad(this.f.sharpV ? 'interface {}(nil)' : '<nil>'); return; }
      this.printArg(v, verb);
      return;
    }
    switch (typeof v) {
      case 'boolean':
        if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
        else this.badVerb(verb, v);
        return;
      case 'number':
      case 'bigint':
        this.fmtInt(v, verb);
        return;
      case 'string':
        this.fmtString(v, verb);
        return;
    }
    if (v instanceof GoFloat) { this.fmtFloat(v.f, verb); return; }
    // fmt.Stringer: time.Time and structs with a String method print through it.
    if (v instanceof GoTime || typeof (v as unknown as Partial<GoStringer>).String === 'function') {
      if (!this.f.sharpV && 'vsxXq'.includes(verb)) {
        const s = v instanceof GoTime ? goTimeString(v) : (v as unknown as GoStringer).String();
        this.fmtString(s, verb);
        return;
      }
      if (v instanceof GoTime) { this.badVerb(verb, v); return; }
    }
    if (v instanceof GoStruct) {
      if (depth === 0 && v.typeName.startsWith('*')) this.buf += '&';
      if (this.f.sharpV) this.buf += v.typeName.replace(/^\*/, '');
      this.buf += '{';
      let first = true;
      for (const [name, fv] of v.fields) {
        if (!first) this.buf += this.f.sharpV ? ', ' : ' ';
        first = false;
        if (this.f.plusV || this.f.sharpV) this.buf += name + ':';
        this.printValue(fv, verb, depth + 1);
      }
      this.buf += '}';
      return;
    }
    if (Array.isArray(v)) {
      const t = goTypeName(v);
      if ((t === '[]byte' || t === '[]uint8') && 'sqxX'.includes(verb)) {
        // fmtBytes: %s %q %x %X treat a byte slice as the string of its bytes.
        const bytes = Buffer.from(v as number[]);
        if (verb === 'x' || verb === 'X') this.pad(hexBytes(bytes, verb === 'X', this.f));
        else this.fmtString(bytes.toString('utf8'), verb);
        return;
      }
      if (this.f.sharpV) {
        this.buf += goTypeName(v) + '{';
        v.forEach((e, k) => { if (k) this.buf += ', '; this.printValue(e, verb, depth + 1); });
        this.buf += '}';
        return;
      }
      this.buf += '[';
      for (let k = 0; k < v.length; k++) {
        if (k > 0) this.buf += ' ';
        this.printValue(v[k] ?? null, verb, depth + 1);
      }
      this.buf += ']';
      return;
    }
    const m = v as GoMap;
    const keys = [...m.keys()].sort(compareStrings);
    this.buf += this.f.sharpV ? goTypeName(m) + '{' : 'map[';
    keys.forEach((k, idx) => {
      if (idx > 0) this.buf += this.f.sharpV ? ', ' : ' ';
      this.printValue(k, verb, depth + 1);
      this.buf += ':';
      this.printValue(m.get(k) ?? null, verb, depth + 1);
    });
    this.buf += this.f.sharpV ? '}' : ']';
  }

  badVerb(verb: string, v: Value): void {
    const saved = this.f;
    this.f = noFlags();
    this.buf += '%!' + verb + '(';
    if (v === null) this.buf += '<nil>';
    else { this.buf += goTypeName(v) + '='; this.printArg(v, 'v'); }
    this.buf += ')';
    this.f = saved;
  }

  /** Pads s to the width with spaces (or zeros with the 0 flag), left or right. */
  pad(s: string): void {
    const f = this.f;
    if (!f.widPresent || f.wid === 0) { this.buf += s; return; }
    const n = f.wid - runeCount(s);
    if (n <= 0) { this.buf += s; return; }
    const padding = (f.zero ? '0' : ' ').repeat(n);
    this.buf += f.minus ? s + ' '.repeat(n) : padding + s;
  }

  fmtString(s: string, verb: string): void {
    const f = this.f;
    switch (verb) {
      case 'v':
        if (f.sharpV) { this.pad(quoteGo(s, false)); return; }
        this.pad(truncate(s, f));
        return;
      case 's':
        this.pad(truncate(s, f));
        return;
      case 'q':
        s = truncate(s, f);
        if (f.sharp && !s.includes('`') && canBackquote(s)) this.pad('`' + s + '`');
        else this.pad(quoteGo(s, f.plus));
        return;
      case 'x':
      case 'X': {
        let bytes = Buffer.from(s, 'utf8');
        if (f.precPresent && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
        this.pad(hexBytes(bytes, verb === 'X', f));
        return;
      }
    }
    this.badVerb(verb, s);
  }

  /** An int (number) or int64 (bigint): the same verbs and output. */
  fmtInt(n: number | bigint, verb: string): void {
    const f = this.f;
    switch (verb) {
      case 'v':
        if (f.sharpV) { this.fmtInteger(n, 10, verb); return; }
        this.fmtInteger(n, 10, verb);
        return;
      case 'd': this.fmtInteger(n, 10, verb); return;
      case 'b': this.fmtInteger(n, 2, verb); return;
      case 'o': case 'O': this.fmtInteger(n, 8, verb); return;
      case 'x': this.fmtInteger(n, 16, verb); return;
      case 'X': this.fmtInteger(n, 16, verb); return;
      case 'c': { const r = runeOf(n); this.pad(validRune(r) ? String.fromCodePoint(r) : '\uFFFD'); return; }
      case 'q': this.pad(quoteRune(runeOf(n), f.plus)); return;
      case 'U': {
        // fmtUnicode prints the value as a uint64.
        const u = BigInt.asUintN(64, BigInt(n));
        let s = 'U+' + u.toString(16).toUpperCase().padStart(f.precPresent ? f.prec : 4, '0');
        if (f.sharp && u <= 0x10ffffn && validRune(Number(u))) s += " '" + String.fromCodePoint(Number(u)) + "'";
        this.pad(s);
        return;
      }
    }
    this.badVerb(verb, n);
  }

  /** fmt's fmtInteger: precision/zero padding, the # prefixes and the sign. */
  fmtInteger(n: number | bigint, base: number, verb: string): void {
    const f = this.f;
    const negative = n < 0;
    const u = typeof n === 'bigint' ? (negative ? -n : n) : Math.abs(n);
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && (u === 0 || u === 0n)) {
        const z = f.zero; f.zero = false; this.pad(''); f.zero = z;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let digits = typeof u === 'bigint' ? u.toString(base) : intString(u, base);
    if (verb === 'X') digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (f.plus) digits = '+' + digits;
    else if (f.space) digits = ' ' + digits;
    const z = f.zero; f.zero = false; this.pad(digits); f.zero = z;
  }

  fmtFloat(x: number, verb: string): void {
    const f = this.f;
    let prec = f.precPresent ? f.prec : -1;
    let conv: string;
    switch (verb) {
      case 'v': conv = 'g'; break;
      case 'g': case 'G': case 'e': case 'E': case 'f': case 'F': case 'x': case 'X': case 'b':
        conv = verb;
        if (!f.precPresent && 'eEfF'.includes(verb)) prec = 6;
        break;
      default:
        this.badVerb(verb, new GoFloat(x));
        return;
    }
    let num = formatFloat(x, conv, prec);
    num = num[0] === '-' || num[0] === '+' ? num : '+' + num;
    if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      const z = f.zero; f.zero = false; this.pad(num); f.zero = z;
      return;
    }
    if (f.sharp && verb !== 'b') num = sharpFloat(num, verb, prec);
    if (f.plus || num[0] !== '+') {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.buf += num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

function parseNum(s: string, i: number): [number, number] {
  let n = 0;
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n > 1e6) return [0, start]; // Go: too large a number is no number
    i++;
  }
  return [n, i];
}

/** fmt's intFromArg: an int or int64 argument for '*', at most 1e6 in magnitude. */
function intArg(a: readonly Value[], k: number): number | undefined {
  const v = a[k];
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
  return n === undefined || n > 1e6 || n < -1e6 ? undefined : n;
}

/** A rune (int32) from an int or int64, as %c and %q see it: out of range is invalid. */
function runeOf(n: number | bigint): number {
  const x = Number(n);
  return x >= -0x80000000 && x <= 0x7fffffff ? x : -1;
}

function intString(n: number, base = 10): string {
  if (Number.isSafeInteger(n) || base !== 10) return n.toString(base);
  return BigInt(n).toString();
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

function truncate(s: string, f: Flags): string {
  if (!f.precPresent) return s;
  const runes = [...s];
  return runes.length > f.prec ? runes.slice(0, f.prec).join('') : s;
}

function compareStrings(a: string, b: string): number {
  // Go compares strings bytewise (UTF-8); for BMP text this equals UTF-16 code unit order.
  return a < b ? -1 : a > b ? 1 : 0;
}

function hexBytes(bytes: Uint8Array, upper: boolean, f: Flags): string {
  let out = '';
  const digits = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  for (let i = 0; i < bytes.length; i++) {
    if (f.space && i > 0) out += ' ';
    if (f.sharp && (f.space || i === 0)) out += upper ? '0X' : '0x';
    out += digits[bytes[i]! >> 4]! + digits[bytes[i]! & 15]!;
  }
  return out;
}

function validRune(n: number): boolean {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote (asciiOnly: QuoteToASCII). */
export function quoteGo(s: string, asciiOnly: boolean): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"', asciiOnly);
  return out + '"';
}

function quoteRune(n: number, asciiOnly: boolean): string {
  const ch = validRune(n) ? String.fromCodePoint(n) : '\uFFFD';
  return "'" + escapeRune(ch, "'", asciiOnly) + "'";
}

function escapeRune(ch: string, quote: string, asciiOnly: boolean): string {
  const c = ch.codePointAt(0)!;
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (c < 0x80 ? c >= 0x20 && c < 0x7f : !asciiOnly && printable.test(ch)) return ch;
  switch (ch) {
    case '\x07': return '\\a';
    case '\b': return '\\b';
    case '\f': return '\\f';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    case '\v': return '\\v';
  }
  if (c < 0x20 || c === 0x7f) return '\\x' + c.toString(16).padStart(2, '0');
  if (c < 0x10000) return '\\u' + c.toString(16).padStart(4, '0');
  return '\\U' + c.toString(16).padStart(8, '0');
}

function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0xfeff || ch === '`' || ch === '\uFFFD') return false;
    if ((c < 0x20 && ch !== '\t') || c === 0x7f) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Floats: strconv.FormatFloat for 'e' 'f' 'g' with shortest (-1) or fixed precision.

interface Digits { d: string; dp: number } // value = 0.d × 10^dp, d without trailing zeros

/** strconv.FormatFloat(x, fmt, prec, 64). */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const lower = fmt.toLowerCase();
  if (lower === 'x' || lower === 'b') return (neg ? '-' : '') + hexFloat(ax, fmt, prec);
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(ax);
    switch (lower) {
      case 'e': prec = Math.max(digs.d.length - 1, 0); break;
      case 'f': prec = Math.max(digs.d.length - digs.dp, 0); break;
      case 'g': prec = digs.d.length; break;
    }
  } else {
    switch (lower) {
      case 'e': digs = roundedSignificant(ax, prec + 1); break;
      case 'f': digs = roundedFixed(ax, prec); break;
      default:
        if (prec === 0) prec = 1;
        digs = roundedSignificant(ax, prec);
    }
  }
  const sign = neg ? '-' : '';
  if (lower === 'e') return sign + fmtE(digs, prec, fmt);
  if (lower === 'f') return sign + fmtF(digs, prec);
  // %g: %e when the exponent is < -4 or >= the precision (6 when shortest).
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (digs.d.length > 0 && (exp < -4 || exp >= eprec)) {
    if (prec > digs.d.length) prec = digs.d.length;
    return sign + fmtE(digs, prec - 1, fmt === 'G' ? 'E' : 'e');
  }
  if (prec > digs.dp) prec = digs.d.length;
  return sign + fmtF(digs, Math.max(prec - digs.dp, 0));
}

/** %v of a float64 (strconv 'g', shortest). */
export function formatFloatG(x: number, prec: number): string {
  return formatFloat(x, 'g', prec);
}

function shortestDigits(ax: number): Digits {
  if (ax === 0) return { d: '', dp: 0 };
  const s = ax.toExponential(); // shortest round-trip digits, like Go's shortest
  const e = s.indexOf('e');
  const d = (s[0]! + s.slice(2, e)).replace(/0+$/, '');
  return { d, dp: Number(s.slice(e + 1)) + 1 };
}

// Rounding to a precision. JavaScript's toExponential/toFixed round the exact binary value
// correctly except on exact ties, where Go rounds half to even and JavaScript away from zero. So
// ask JavaScript for 25 more digits than needed: unless those look like a tie (5000… or 4999…,
// which need the exact expansion), rounding them ourselves gives Go's result without BigInts.
const GUARD = 25;

function roundedSignificant(ax: number, nd: number): Digits {
  if (ax === 0) return { d: '', dp: 0 };
  if (nd + GUARD <= 101) {
    const s = ax.toExponential(nd + GUARD - 1);
    const e = s.indexOf('e');
    const all = s[0]! + s.slice(2, e);
    if (!looksLikeTie(all, nd)) return roundDigits(trimDigits(all, Number(s.slice(e + 1)) + 1), nd);
  }
  const exact = exactDigits(ax);
  return roundDigits(exact, nd);
}

function roundedFixed(ax: number, prec: number): Digits {
  if (ax === 0) return { d: '', dp: 0 };
  if (ax < 1e21 && prec + GUARD <= 100) {
    const s = ax.toFixed(prec + GUARD);
    const dot = s.indexOf('.');
    const all = s.slice(0, dot) + s.slice(dot + 1);
    if (!looksLikeTie(all, dot + prec)) {
      const d = trimDigits(all, dot);
      return roundDigits(d, d.dp + prec);
    }
  }
  const exact = exactDigits(ax);
  return roundDigits(exact, exact.dp + prec);
}

function looksLikeTie(all: string, at: number): boolean {
  const tail = all.slice(Math.max(at, 0));
  return /^(50*|49*)$/.test(tail);
}

/** Digits without leading and trailing zeros, with the decimal point position adjusted. */
function trimDigits(all: string, dp: number): Digits {
  let i = 0;
  while (i < all.length && all.charCodeAt(i) === 48) i++;
  let j = all.length;
  while (j > i && all.charCodeAt(j - 1) === 48) j--;
  return { d: all.slice(i, j), dp: dp - i };
}

/** The exact decimal expansion of a finite non-negative double. */
function exactDigits(ax: number): Digits {
  if (ax === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, ax);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else { mant |= 1n << 52n; e = expBits - 1075; }
  let d: string;
  let dp: number;
  if (e >= 0) { d = (mant << BigInt(e)).toString(); dp = d.length; }
  else {
    d = (mant * 5n ** BigInt(-e)).toString();
    dp = d.length - -e;
  }
  d = d.replace(/0+$/, '');
  const lead = d.length - d.replace(/^0+/, '').length;
  return { d: d.slice(lead), dp: dp - lead };
}

/** Rounds to nd significant digits, half to even on exact ties (Go's decimal.Round). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return nd < 0 ? { d: '', dp: x.dp } : x;
  const next = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < x.d.length) up = true; // more non-zero digits follow (d is trimmed)
  else up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return { d: x.d.slice(0, nd).replace(/0+$/, ''), dp: x.dp };
  const ds = x.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && ds[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  ds[i] = String.fromCharCode(ds[i]!.charCodeAt(0) + 1);
  return { d: ds.slice(0, i + 1).join(''), dp: x.dp };
}

function fmtE(digs: Digits, prec: number, fmt: string): string {
  let out = digs.d.length ? digs.d[0]! : '0';
  if (prec > 0) {
    out += '.';
    const rest = digs.d.slice(1, 1 + prec);
    out += rest + '0'.repeat(prec - rest.length);
  }
  out += fmt === 'E' ? 'E' : 'e';
  let exp = digs.dp - 1;
  if (digs.d.length === 0) exp = 0;
  out += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

function fmtF(digs: Digits, prec: number): string {
  let out: string;
  if (digs.dp > 0) {
    const m = Math.min(digs.d.length, digs.dp);
    out = digs.d.slice(0, m) + '0'.repeat(digs.dp - m);
  } else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = digs.dp + i - 1;
      out += j >= 0 && j < digs.d.length ? digs.d[j] : '0';
    }
  }
  return out;
}

/** The # flag on floats: keep a decimal point, and for %g the trailing zeros. */
function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = 0;
  if ('vgGx'.includes(verb)) digits = prec === -1 ? 6 : prec;
  const tailAt = num.search(/[eEpP]/);
  let tail = tailAt >= 0 ? num.slice(tailAt) : '';
  let head = tailAt >= 0 ? num.slice(0, tailAt) : num;
  let sawNonzero = false;
  let hasDot = false;
  for (let i = 1; i < head.length; i++) {
    const c = head[i]!;
    if (c === '.') hasDot = true;
    else if (c >= '0' && c <= '9') {
      if (c !== '0') sawNonzero = true;
      if (sawNonzero) digits--;
    }
  }
  if (!hasDot) {
    if (head.length === 2 && head[1] === '0') digits--;
    head += '.';
  }
  if (digits > 0) head += '0'.repeat(digits);
  tail = tail || '';
  return head + tail;
}

function hexFloat(ax: number, fmt: string, prec: number): string {
  // %x on floats is rare in templates; Go's form is -0x1.8p+01. Shortest only.
  if (fmt === 'b') {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, ax);
    const bits = view.getBigUint64(0);
    const expBits = Number((bits >> 52n) & 0x7ffn);
    let mant = bits & ((1n << 52n) - 1n);
    let e = -1074;
    if (expBits) { mant |= 1n << 52n; e = expBits - 1075; }
    return `${mant}p${e >= 0 ? '+' : ''}${e}`;
  }
  void prec;
  if (ax === 0) return fmt === 'X' ? '0X0P+00' : '0x0p+00';
  let e = Math.floor(Math.log2(ax));
  let m = ax / 2 ** e;
  if (m >= 2) { m /= 2; e++; }
  if (m < 1) { m *= 2; e--; }
  let frac = (m - 1).toString(16).replace(/^0\.?/, '');
  frac = frac ? '.' + frac : '';
  const ee = Math.abs(e);
  const s = `0x1${frac}p${e < 0 ? '-' : '+'}${ee < 10 ? '0' + ee : ee}`;
  return fmt === 'X' ? s.toUpperCase() : s;
}
