/**
 * Go's time layouts (time/format.go): the reference-time chunk scanner, Format, Parse /
 * ParseInLocation with Go's error texts, and time.Duration's ParseDuration and String.
 */
import { quoteGo } from '../format.js';
import { GoTime } from '../value.js';
import { LOCAL, UTC, nanosOf, secondsOf, zoneLookup, zoneLookupName, type Zone } from './zones.js';

type Std =
  | 'January' | 'Jan' | '1' | '01' | 'Monday' | 'Mon' | '2' | '_2' | '02' | '__2' | '002'
  | '15' | '3' | '03' | '4' | '04' | '5' | '05' | '2006' | '06' | 'PM' | 'pm' | 'MST'
  | 'Z0700' | 'Z070000' | 'Z07' | 'Z07:00' | 'Z07:00:00' | '-0700' | '-070000' | '-07' | '-07:00' | '-07:00:00'
  | 'frac0' | 'frac9';

interface Chunk { prefix: string; std: Std | null; stdStr: string; suffix: string; digits: number; sep: string }

const lowerStart = (s: string) => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
const isDig = (s: string, i: number) => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** nextStdChunk: the text before the first reference element, the element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const out = (i: number, std: Std, len: number, digits = 0): Chunk =>
    ({ prefix: layout.slice(0, i), std, stdStr: layout.slice(i, i + len), suffix: layout.slice(i + len), digits, sep: layout[i]! });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const at = (s: string) => layout.startsWith(s, i);
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return out(i, 'January', 7);
          if (!lowerStart(layout.slice(i + 3))) return out(i, 'Jan', 3);
        }
        break;
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) return out(i, 'Monday', 6);
          if (!lowerStart(layout.slice(i + 3))) return out(i, 'Mon', 3);
        }
        if (at('MST')) return out(i, 'MST', 3);
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') return out(i, (['01', '02', '03', '04', '05', '06'] as const)[Number(n) - 1]!, 2);
        if (at('002')) return out(i, '002', 3);
        break;
      }
      case '1':
        if (at('15')) return out(i, '15', 2);
        return out(i, '1', 1);
      case '2':
        if (at('2006')) return out(i, '2006', 4);
        return out(i, '2', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) {
            return { prefix: layout.slice(0, i + 1), std: '2006', stdStr: '2006', suffix: layout.slice(i + 5), digits: 0, sep: '' };
          }
          return out(i, '_2', 2);
        }
        if (at('__2')) return out(i, '__2', 3);
        break;
      case '3': return out(i, '3', 1);
      case '4': return out(i, '4', 1);
      case '5': return out(i, '5', 1);
      case 'P':
        if (layout[i + 1] === 'M') return out(i, 'PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return out(i, 'pm', 2);
        break;
      case '-':
        for (const s of ['-070000', '-07:00:00', '-0700', '-07:00', '-07'] as const) if (at(s)) return out(i, s, s.length);
        break;
      case 'Z':
        for (const s of ['Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07'] as const) if (at(s)) return out(i, s, s.length);
        break;
      case '.': case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDig(layout, j)) return out(i, ch === '0' ? 'frac0' : 'frac9', j - i, j - (i + 1));
        }
        break;
      }
    }
  }
  return { prefix: layout, std: null, stdStr: '', suffix: '', digits: 0, sep: '' };
}

export const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface Civil {
  year: number; month: number; day: number; hour: number; min: number; sec: number; nsec: number;
  wday: number; yday: number; offset: number; abbrev: string;
}

/** The wall clock of a time in its zone (or in `zone` when given). */
export function civil(t: GoTime, zone: Zone = t.zone): Civil {
  const secs = secondsOf(t);
  const { offset, abbrev } = zoneLookup(zone, secs);
  const d = new Date((secs + offset) * 1000);
  const year = d.getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(year, 0, 1);
  jan1.setUTCHours(0, 0, 0, 0);
  const yday = Math.floor((d.getTime() - jan1.getTime()) / 86400000) + 1;
  return {
    year, month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(), nsec: nanosOf(t), wday: d.getUTCDay(), yday, offset, abbrev,
  };
}

const pad = (n: number, w: number) => (n < 0 ? '-' + String(-n).padStart(w, '0') : String(n).padStart(w, '0'));

/** time.RFC3339Nano, the layout encoding/json, yaml and TOML write times in. */
export const RFC3339NANO = '2006-01-02T15:04:05.999999999Z07:00';

/** time.Time.Format(layout), shown in `zone` (t.In(zone).Format). */
export function formatTime(t: GoTime, layout: string, zone: Zone = t.zone): string {
  const c = civil(t, zone);
  let out = '';
  for (;;) {
    const ch = nextStdChunk(layout);
    out += ch.prefix;
    if (ch.std === null) break;
    layout = ch.suffix;
    out += formatStd(c, ch);
  }
  return out;
}

function formatStd(c: Civil, ch: Chunk): string {
  const h12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  switch (ch.std!) {
    case '2006': return pad(c.year, 4);
    case '06': return pad(((c.year % 100) + 100) % 100, 2);
    case 'Jan': return LONG_MONTHS[c.month - 1]!.slice(0, 3);
    case 'January': return LONG_MONTHS[c.month - 1]!;
    case '1': return String(c.month);
    case '01': return pad(c.month, 2);
    case 'Mon': return LONG_DAYS[c.wday]!.slice(0, 3);
    case 'Monday': return LONG_DAYS[c.wday]!;
    case '2': return String(c.day);
    case '_2': return c.day < 10 ? ' ' + c.day : String(c.day);
    case '02': return pad(c.day, 2);
    case '__2': return String(c.yday).padStart(3, ' ');
    case '002': return pad(c.yday, 3);
    case '15': return pad(c.hour, 2);
    case '3': return String(h12);
    case '03': return pad(h12, 2);
    case '4': return String(c.min);
    case '04': return pad(c.min, 2);
    case '5': return String(c.sec);
    case '05': return pad(c.sec, 2);
    case 'PM': return c.hour >= 12 ? 'PM' : 'AM';
    case 'pm': return c.hour >= 12 ? 'pm' : 'am';
    case 'MST': {
      if (c.abbrev !== '') return c.abbrev;
      const z = Math.trunc(c.offset / 60);
      const a = Math.abs(z);
      return (z < 0 ? '-' : '+') + pad(Math.floor(a / 60), 2) + pad(a % 60, 2);
    }
    case 'frac0': case 'frac9': {
      const digits = String(c.nsec).padStart(9, '0').slice(0, ch.digits);
      if (ch.std === 'frac0') return ch.sep + digits;
      const trimmed = digits.replace(/0+$/, '');
      return trimmed === '' ? '' : ch.sep + trimmed;
    }
    default: {
      const std = ch.std!;
      if (c.offset === 0 && std.startsWith('Z')) return 'Z';
      const z = Math.trunc(c.offset / 60);
      const abs = Math.abs(c.offset);
      let s = (z < 0 ? '-' : '+') + pad(Math.floor(Math.abs(z) / 60), 2);
      const colon = std.includes(':');
      const short = std === '-07' || std === 'Z07';
      if (colon) s += ':';
      if (!short) s += pad(Math.abs(z) % 60, 2);
      if (std === 'Z070000' || std === '-070000' || std === 'Z07:00:00' || std === '-07:00:00') {
        if (colon) s += ':';
        s += pad(abs % 60, 2);
      }
      return s;
    }
  }
}

// ----- parsing --------------------------------------------------------------------------------

export class TimeParseError extends Error {}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): TimeParseError {
  if (message === '') {
    return new TimeParseError(`parsing time ${quoteGo(value, false)} as ${quoteGo(layout, false)}: cannot parse ${quoteGo(valueElem, false)} as ${quoteGo(layoutElem, false)}`);
  }
  return new TimeParseError(`parsing time ${quoteGo(value, false)}${message}`);
}

const BAD = Symbol('bad');

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDig(s, 0)) throw BAD;
  if (!isDig(s, 1)) {
    if (fixed) throw BAD;
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}
function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDig(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) throw BAD;
  return [n, s.slice(i)];
}
function lookupName(tab: readonly string[], val: string): [number, string] {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) return [i, val.slice(v.length)];
  }
  throw BAD;
}
const cutspace = (s: string) => s.replace(/^ +/, '');
function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw BAD;
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw BAD;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) {
    const m = /^GMT([+-]\d{1,2})?/.exec(value)!;
    if (m[1] !== undefined && Math.abs(Number(m[1])) > 23) return 3;
    return m[0].length;
  }
  if (value[0] === '+' || value[0] === '-') {
    const m = /^[+-]\d{1,2}/.exec(value);
    return m && Math.abs(Number(m[0])) <= 23 ? m[0].length : 0;
  }
  let n = 0;
  while (n < 6 && n < value.length && value[n]! >= 'A' && value[n]! <= 'Z') n++;
  switch (n) {
    case 5: return value[4] === 'T' ? 5 : 0;
    case 4: return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
    case 3: return 3;
  }
  return 0;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Seconds since the epoch of a wall clock read as UTC (any year, with Go's normalisation). */
export function wallSeconds(year: number, month: number, day: number, hour: number, min: number, sec: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  return Math.floor(d.getTime() / 1000);
}

/** time.Date(...) in a zone: the wall clock is resolved with the zone's offset at that time. */
export function dateIn(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, zone: Zone): GoTime {
  const unix = wallSeconds(year, month, day, hour, min, sec);
  let { offset } = zoneLookup(zone, unix);
  if (offset !== 0) {
    const o2 = zoneLookup(zone, unix - offset).offset;
    if (o2 !== offset) offset = o2;
  }
  return new GoTime(BigInt(unix - offset) * 1_000_000_000n + BigInt(nsec), zone);
}

/** time.ParseInLocation(layout, value, loc) (time.Parse is loc = UTC with local = Local). */
export function parseTime(layout: string, value: string, loc: Zone = UTC, local: Zone = loc === UTC ? LOCAL : loc): GoTime {
  const alayout = layout;
  const avalue = value;
  let amSet = false;
  let pmSet = false;
  let year = 0, month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
  let z: Zone | undefined;
  let zoneOffset = -1;
  let zoneName = '';
  for (;;) {
    const ch = nextStdChunk(layout);
    try { value = skip(value, ch.prefix); } catch { throw parseError(alayout, avalue, ch.prefix, value, ''); }
    if (ch.std === null) {
      if (value.length !== 0) throw parseError(alayout, avalue, '', value, `: extra text: ${quoteGo(value, false)}`);
      break;
    }
    layout = ch.suffix;
    const hold = value;
    let rangeErr = '';
    try {
      switch (ch.std) {
        case '06': {
          if (value.length < 2) throw BAD;
          const p = value.slice(0, 2);
          if (!/^\d\d$/.test(p)) throw BAD;
          value = value.slice(2);
          year = Number(p);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case '2006': {
          if (value.length < 4 || !isDig(value, 0)) throw BAD;
          const p = value.slice(0, 4);
          if (!/^\d{4}$/.test(p)) throw BAD;
          value = value.slice(4);
          year = Number(p);
          break;
        }
        case 'Jan': [month, value] = lookupName(LONG_MONTHS.map((m) => m.slice(0, 3)), value); month++; break;
        case 'January': [month, value] = lookupName(LONG_MONTHS, value); month++; break;
        case '1': case '01':
          [month, value] = getnum(value, ch.std === '01');
          if (month <= 0 || month > 12) rangeErr = 'month';
          break;
        case 'Mon': [, value] = lookupName(LONG_DAYS.map((d) => d.slice(0, 3)), value); break;
        case 'Monday': [, value] = lookupName(LONG_DAYS, value); break;
        case '2': case '_2': case '02':
          if (ch.std === '_2' && value[0] === ' ') value = value.slice(1);
          [day, value] = getnum(value, ch.std === '02');
          break;
        case '__2': case '002':
          for (let i = 0; i < 2; i++) if (ch.std === '__2' && value[0] === ' ') value = value.slice(1);
          [yday, value] = getnum3(value, ch.std === '002');
          break;
        case '15':
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) rangeErr = 'hour';
          break;
        case '3': case '03':
          [hour, value] = getnum(value, ch.std === '03');
          if (hour < 0 || hour > 12) rangeErr = 'hour';
          break;
        case '4': case '04':
          [min, value] = getnum(value, ch.std === '04');
          if (min < 0 || min >= 60) rangeErr = 'minute';
          break;
        case '5': case '05': {
          [sec, value] = getnum(value, ch.std === '05');
          if (sec < 0 || sec >= 60) { rangeErr = 'second'; break; }
          if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDig(value, 1)) {
            const nx = nextStdChunk(layout).std;
            if (nx === 'frac0' || nx === 'frac9') break;
            let n = 2;
            while (n < value.length && isDig(value, n)) n++;
            nsec = parseNanos(value, n);
            value = value.slice(n);
          }
          break;
        }
        case 'PM': case 'pm': {
          if (value.length < 2) throw BAD;
          const p = value.slice(0, 2);
          value = value.slice(2);
          const up = ch.std === 'PM';
          if (p === (up ? 'PM' : 'pm')) pmSet = true;
          else if (p === (up ? 'AM' : 'am')) amSet = true;
          else throw BAD;
          break;
        }
        case 'MST': {
          if (value.startsWith('UTC')) { z = UTC; value = value.slice(3); break; }
          const n = parseTimeZone(value);
          if (n === 0) throw BAD;
          zoneName = value.slice(0, n);
          value = value.slice(n);
          break;
        }
        case 'frac0': {
          const nd = 1 + ch.digits;
          if (value.length < nd) throw BAD;
          nsec = parseNanos(value, nd);
          value = value.slice(nd);
          break;
        }
        case 'frac9': {
          if (value.length < 2 || !(value[0] === '.' || value[0] === ',') || !isDig(value, 1)) break;
          let i = 0;
          while (i + 1 < value.length && isDig(value, i + 1)) i++;
          nsec = parseNanos(value, 1 + i);
          value = value.slice(1 + i);
          break;
        }
        default: {
          const std = ch.std;
          if (std.startsWith('Z') && value[0] === 'Z') { value = value.slice(1); z = UTC; break; }
          let sign: string, hh: string, mm: string, ss: string;
          if (std === 'Z07:00' || std === '-07:00') {
            if (value.length < 6 || value[3] !== ':') throw BAD;
            [sign, hh, mm, ss, value] = [value[0]!, value.slice(1, 3), value.slice(4, 6), '00', value.slice(6)];
          } else if (std === '-07' || std === 'Z07') {
            if (value.length < 3) throw BAD;
            [sign, hh, mm, ss, value] = [value[0]!, value.slice(1, 3), '00', '00', value.slice(3)];
          } else if (std === 'Z07:00:00' || std === '-07:00:00') {
            if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw BAD;
            [sign, hh, mm, ss, value] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9), value.slice(9)];
          } else if (std === 'Z070000' || std === '-070000') {
            if (value.length < 7) throw BAD;
            [sign, hh, mm, ss, value] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7), value.slice(7)];
          } else {
            if (value.length < 5) throw BAD;
            [sign, hh, mm, ss, value] = [value[0]!, value.slice(1, 3), value.slice(3, 5), '00', value.slice(5)];
          }
          const [h] = getnum(hh, true);
          const [m] = getnum(mm, true);
          const [s] = getnum(ss, true);
          if (h > 24) rangeErr = 'time zone offset hour';
          if (m > 60) rangeErr = 'time zone offset minute';
          if (s > 60) rangeErr = 'time zone offset second';
          zoneOffset = (h * 60 + m) * 60 + s;
          if (sign === '-') zoneOffset = -zoneOffset;
          else if (sign !== '+') throw BAD;
        }
      }
    } catch (e) {
      if (e === BAD) throw parseError(alayout, avalue, ch.stdStr, hold, '');
      if (e instanceof RangeErr) rangeErr = e.what;
      else throw e;
    }
    if (rangeErr !== '') throw parseError(alayout, avalue, ch.stdStr, value, `: ${rangeErr} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0, m = 0;
    const leap = daysIn(2, year) === 29;
    if (yday < 1 || yday > (leap ? 366 : 365)) throw parseError(alayout, avalue, '', value, ': day-of-year out of range');
    if (month < 0) {
      let left = yday;
      for (m = 1; m <= 12; m++) { const n = daysIn(m, year); if (left <= n) break; left -= n; }
      d = left;
    } else {
      let before = 0;
      for (let i = 1; i < month; i++) before += daysIn(i, year);
      d = yday - before;
      m = month;
      if (d < 1 || d > daysIn(m, year)) throw parseError(alayout, avalue, '', value, ': day-of-year does not match month');
    }
    if (day >= 0 && day !== d) throw parseError(alayout, avalue, '', value, ': day-of-year does not match day');
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, '', value, ': day out of range');
  if (z !== undefined) return dateIn(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const unix = wallSeconds(year, month, day, hour, min, sec) - zoneOffset;
    const l = zoneLookup(local, unix);
    const ns = BigInt(unix) * 1_000_000_000n + BigInt(nsec);
    if (l.offset === zoneOffset && (zoneName === '' || l.abbrev === zoneName)) return new GoTime(ns, local);
    return new GoTime(ns, { name: zoneName, offsetSeconds: zoneOffset });
  }
  if (zoneName !== '') {
    const wall = wallSeconds(year, month, day, hour, min, sec);
    const off = zoneLookupName(local, zoneName, wall);
    if (off !== undefined) return new GoTime(BigInt(wall - off) * 1_000_000_000n + BigInt(nsec), local);
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = Number(zoneName.slice(3)) * 3600;
    return new GoTime(BigInt(wall - offset) * 1_000_000_000n + BigInt(nsec), { name: zoneName, offsetSeconds: offset });
  }
  return dateIn(year, month, day, hour, min, sec, nsec, loc);
}

class RangeErr { constructor(readonly what: string) {} }

function parseNanos(value: string, nbytes: number): number {
  if (value[0] !== '.' && value[0] !== ',') throw BAD;
  if (nbytes > 10) { value = value.slice(0, 10); nbytes = 10; }
  const digits = value.slice(1, nbytes);
  if (!/^\d+$/.test(digits)) throw BAD;
  return Number(digits) * 10 ** (10 - nbytes);
}

// ----- durations --------------------------------------------------------------------------------

const UNITS: Record<string, bigint> = {
  ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const MAX_DUR = 9223372036854775807n;

/** time.ParseDuration; throws Go's error text. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const q = quoteGo(orig, false);
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0n;
  if (s === '') throw new Error(`time: invalid duration ${q}`);
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDig(s, 0))) throw new Error(`time: invalid duration ${q}`);
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const intPart = m[1]!;
    const frac = m[2];
    if (intPart === '' && (frac === undefined || frac === '')) throw new Error(`time: invalid duration ${q}`);
    s = s.slice(m[0].length);
    const u = /^[^0-9.]*/.exec(s)![0];
    if (u === '') throw new Error(`time: missing unit in duration ${q}`);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${quoteGo(u, false)} in duration ${q}`);
    s = s.slice(u.length);
    const v = BigInt(intPart || '0');
    if (v > MAX_DUR / unit) throw new Error(`time: invalid duration ${q}`);
    let part = v * unit;
    if (frac) {
      // Go scales the fraction in float64; for the usual short fractions this is exact.
      part += BigInt(Math.trunc(Number('0.' + frac) * Number(unit)));
    }
    d += part;
    if (d > MAX_DUR + (neg ? 1n : 0n)) throw new Error(`time: invalid duration ${q}`);
  }
  return neg ? -d : d;
}

/** time.Duration.String(). */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let prec: number;
    if (u < 1000n) return (neg ? '-' : '') + u + 'ns';
    if (u < 1_000_000n) { unit = 'µs'; prec = 3; } else { unit = 'ms'; prec = 6; }
    out = fracString(u, prec) + unit;
  } else {
    const secs = fracString(u % 60_000_000_000n, 9) + 's';
    u /= 60_000_000_000n;
    if (u > 0n) {
      out = String(u % 60n) + 'm' + secs;
      u /= 60n;
      if (u > 0n) out = String(u) + 'h' + out;
    } else out = secs;
  }
  return (neg ? '-' : '') + out;
}

function fracString(v: bigint, prec: number): string {
  const p = 10n ** BigInt(prec);
  const whole = v / p;
  const frac = (v % p).toString().padStart(prec, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Duration.Round(m): half away from zero. */
export function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    return d - m + r;
  }
  if (r + r < m) return d - r;
  return d + m - r;
}
