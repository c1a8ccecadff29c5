/**
 * sprig's date functions (date.go) over Go time layouts. `date`, `toDate` and friends use the
 * Local zone (the process TZ), as Helm does. Go's int and int64 differ here: `duration` and
 * `durationRound` honour int64 (a bigint: `duration (int64 95)` is 1m35s) but not int
 * (`duration 95` is 0s); the date formatters take Unix seconds as either.
 */
import { GoFuncError, GoTime, type GoFunc, type Value } from '../value.js';
import { fn, fne } from './define.js';
import { parseInt64Go } from './convert.js';
import { durationString, formatTime, parseDuration, parseTime, roundDuration } from './timefmt.js';
import { LOCAL, UTC, loadLocation, secondsOf } from './zones.js';

const NS = 1_000_000_000n;

/** time.Now() in the Local zone. */
export function now(): GoTime {
  const ms = BigInt(Date.now());
  const sub = BigInt(Number(process.hrtime.bigint() % 1_000_000n));
  return new GoTime(ms * 1_000_000n + sub, LOCAL);
}

/** The time sprig's date functions take: a time.Time, or Unix seconds as int or int64, else now. */
function asTime(d: Value): GoTime {
  if (d instanceof GoTime) return d;
  if (typeof d === 'number') return new GoTime(BigInt(d) * NS, LOCAL);
  if (typeof d === 'bigint') return new GoTime(d * NS, LOCAL);
  return now();
}

export function dateInZone(layout: string, d: Value, zone: string): string {
  const loc = loadLocation(zone) ?? UTC;
  return formatTime(asTime(d), layout, loc);
}

function toDate(layout: string, s: string): GoTime {
  try {
    return parseTime(layout, s, LOCAL, LOCAL);
  } catch (e) {
    if (e instanceof Error) throw new GoFuncError(e.message);
    throw e;
  }
}

/** The zero time.Time (0001-01-01 00:00:00 UTC). */
export const ZERO_TIME = new GoTime(-62135596800n * NS, UTC);

/** sprig's durationRound: a duration string, an int64 of nanoseconds or the time since a time.Time. */
function durationRound(v: Value): string {
  let d = 0n;
  if (typeof v === 'string') {
    try { d = parseDuration(v); } catch { d = 0n; }
  } else if (typeof v === 'bigint') d = v;
  else if (v instanceof GoTime) d = now().ns - v.ns;
  const u = d < 0n ? -d : d;
  const hour = 3600n * NS;
  const steps: [bigint, string][] = [
    [hour * 24n * 365n, 'y'], [hour * 24n * 30n, 'mo'], [hour * 24n, 'd'], [hour, 'h'], [60n * NS, 'm'], [NS, 's'],
  ];
  for (const [size, unit] of steps) if (u > size) return String(u / size) + unit;
  return '0s';
}

export const dateFuncs: Record<string, GoFunc> = {
  now: fn([], now),
  date: fn(['string', 'interface {}'], (f: string, d: Value) => dateInZone(f, d, 'Local')),
  dateInZone: fn(['string', 'interface {}', 'string'], dateInZone),
  date_in_zone: fn(['string', 'interface {}', 'string'], dateInZone),
  htmlDate: fn(['interface {}'], (d: Value) => dateInZone('2006-01-02', d, 'Local')),
  htmlDateInZone: fn(['interface {}', 'string'], (d: Value, z: string) => dateInZone('2006-01-02', d, z)),
  dateModify: fn(['string', 'time.Time'], (f: string, t: GoTime) => {
    try { return new GoTime(t.ns + parseDuration(f), t.zone); } catch { return t; }
  }),
  date_modify: fn(['string', 'time.Time'], (f: string, t: GoTime) => {
    try { return new GoTime(t.ns + parseDuration(f), t.zone); } catch { return t; }
  }),
  mustDateModify: fne(['string', 'time.Time'], (f: string, t: GoTime) => {
    try { return new GoTime(t.ns + parseDuration(f), t.zone); } catch (e) { throw new GoFuncError((e as Error).message); }
  }),
  must_date_modify: fne(['string', 'time.Time'], (f: string, t: GoTime) => {
    try { return new GoTime(t.ns + parseDuration(f), t.zone); } catch (e) { throw new GoFuncError((e as Error).message); }
  }),
  ago: fn(['interface {}'], (d: Value) => durationString(roundDuration(now().ns - asTime(d).ns, NS))),
  // sprig: a string through strconv.ParseInt(s, 10, 64) (0 on error), an int64 as is, else 0;
  // then time.Duration(n) * time.Second, which wraps like Go's int64 multiplication.
  duration: fn(['interface {}'], (v: Value) => {
    const n = typeof v === 'string' ? parseInt64Go(v, 10) ?? 0n : typeof v === 'bigint' ? v : 0n;
    return durationString(BigInt.asIntN(64, n * NS));
  }),
  durationRound: fn(['interface {}'], durationRound),
  toDate: fn(['string', 'string'], (f: string, s: string) => {
    try { return toDate(f, s); } catch { return ZERO_TIME; }
  }),
  mustToDate: fne(['string', 'string'], toDate),
  unixEpoch: fn(['time.Time'], (t: GoTime) => String(secondsOf(t))),
};
