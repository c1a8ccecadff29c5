/**
 * Time zones as Go's time package sees them: UTC, Local (the process TZ), IANA names loaded
 * from the system zoneinfo, and fixed offsets. UTC offsets come from Intl (always right), except
 * for UTC's own names, which never start Intl (see UTC_NAMES); abbreviations come from the TZif
 * file, as Go reads them ("CEST", not Intl's "GMT+2").
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { GoTime } from '../value.js';

export interface Zone { readonly name: string; readonly offsetSeconds?: number }
export const UTC: Zone = { name: 'UTC' };
export const LOCAL: Zone = { name: 'Local' };

/**
 * Zone names ICU takes for UTC itself (Intl resolves each of them to "UTC"): their offset is 0 at
 * every instant, so no Intl call is needed for them. Intl's first use loads ICU's zone data, which
 * is most of a cold `date` call.
 */
export const UTC_NAMES: ReadonlySet<string> = new Set([
  'UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu', 'GMT', 'Etc/GMT',
  'GMT0', 'Etc/GMT0', 'GMT+0', 'Etc/GMT+0', 'GMT-0', 'Etc/GMT-0', 'Greenwich', 'Etc/Greenwich',
]);

/**
 * The zone ICU reads from the target of /etc/localtime (`realpath` given), when that target is one
 * of UTC's names: "UTC", as Intl reports it. undefined: ask Intl (another zone, or not a link).
 */
export function utcFromLocaltime(realpath: string | undefined): 'UTC' | undefined {
  const at = realpath?.indexOf('/zoneinfo/') ?? -1;
  if (at < 0) return undefined;
  const name = realpath!.slice(at + '/zoneinfo/'.length).replace(/^(?:posix|right)\//, '');
  return UTC_NAMES.has(name) ? 'UTC' : undefined;
}

let systemZone: string | undefined;
/** Intl's default zone with TZ unset (ICU: the /etc/localtime link), without starting Intl for UTC. */
function systemTz(): string {
  if (systemZone !== undefined) return systemZone;
  let real: string | undefined;
  try { real = realpathSync('/etc/localtime'); } catch { real = undefined; }
  return (systemZone = (real !== '/etc/localtime' ? utcFromLocaltime(real) : undefined)
    ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/** The IANA zone behind Local (undefined: UTC). Go: TZ unset → /etc/localtime, TZ="" → UTC. */
export function localTz(): string | undefined {
  const tz = process.env.TZ;
  if (tz === '') return undefined;
  const name = tz?.startsWith(':') ? tz.slice(1) : tz;
  if (name !== undefined) return validIana(name) ? name : undefined;
  return systemTz();
}

function validIana(name: string): boolean {
  if (UTC_NAMES.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** time.LoadLocation: undefined when Go would fail ("unknown time zone X"). */
export function loadLocation(name: string): Zone | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return LOCAL;
  if (name.includes('..') || name.startsWith('/') || name.includes('\\')) return undefined;
  if (!validIana(name) || !tzif(name)) return undefined;
  return { name };
}

interface TzInfo { trans: number[]; idx: number[]; types: { off: number; abbr: string; dst: boolean }[] }
const tzCache = new Map<string, TzInfo | null>();

/** Reads a TZif file (v2+ 64-bit section when present). */
function tzif(name: string): TzInfo | null {
  if (tzCache.has(name)) return tzCache.get(name)!;
  let info: TzInfo | null = null;
  const dirs = [process.env.ZONEINFO, '/usr/share/zoneinfo', '/usr/lib/zoneinfo', '/usr/share/lib/zoneinfo'];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      info = parseTzif(readFileSync(join(dir, name)));
      if (info) break;
    } catch { /* try the next directory */ }
  }
  tzCache.set(name, info);
  return info;
}

function parseTzif(b: Buffer): TzInfo | null {
  if (b.toString('latin1', 0, 4) !== 'TZif') return null;
  const version = b[4]!;
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => b.readUInt32BE(at + 20 + i * 4)) as
    [number, number, number, number, number, number];
  let at = 0;
  let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(at);
  let tsize = 4;
  if (version >= 0x32) {
    at = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(at);
    tsize = 8;
  }
  void isut; void isstd; void leap;
  let p = at + 44;
  const trans: number[] = [];
  for (let i = 0; i < timecnt; i++, p += tsize) trans.push(tsize === 8 ? Number(b.readBigInt64BE(p)) : b.readInt32BE(p));
  const idx: number[] = [];
  for (let i = 0; i < timecnt; i++) idx.push(b[p++]!);
  const raw: { off: number; dst: boolean; ai: number }[] = [];
  for (let i = 0; i < typecnt; i++, p += 6) raw.push({ off: b.readInt32BE(p), dst: b[p + 4] === 1, ai: b[p + 5]! });
  const chars = b.toString('latin1', p, p + charcnt);
  const types = raw.map((t) => ({ off: t.off, dst: t.dst, abbr: chars.slice(t.ai, chars.indexOf('\0', t.ai)) }));
  return { trans, idx, types };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function intlOffset(tz: string, unixSec: number): number {
  let f = offsetFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    offsetFormatters.set(tz, f);
  }
  const ms = Math.max(Math.min(unixSec * 1000, 8.64e15), -8.64e15);
  const s = f.formatToParts(ms).find((x) => x.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d\d):(\d\d)(?::(\d\d))?/.exec(s);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
}

/** Go's numeric zone name for a zone without an abbreviation: "+02", "-0330". */
function numericAbbrev(off: number): string {
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = String(Math.floor(a / 3600)).padStart(2, '0');
  const m = Math.floor((a % 3600) / 60);
  return m ? `${sign}${h}${String(m).padStart(2, '0')}` : `${sign}${h}`;
}

/** The offset (seconds east of UTC) and abbreviation of a zone at an instant (Unix seconds). */
export function zoneLookup(zone: Zone, unixSec: number): { offset: number; abbrev: string } {
  // A fixed zone keeps its name, even an empty one (Go then prints MST as -0700).
  if (zone.offsetSeconds !== undefined) return { offset: zone.offsetSeconds, abbrev: zone.name };
  const tz = zone.name === 'Local' ? localTz() : zone.name;
  if (tz === undefined || tz === 'UTC' || zone.name === '') return { offset: 0, abbrev: 'UTC' };
  const offset = UTC_NAMES.has(tz) ? 0 : intlOffset(tz, unixSec);
  const info = tzif(tz);
  if (info) {
    let i = info.trans.length - 1;
    while (i >= 0 && info.trans[i]! > unixSec) i--;
    const t = i >= 0 ? info.types[info.idx[i]!] : info.types.find((x) => !x.dst) ?? info.types[0];
    if (t && t.off === offset) return { offset, abbrev: t.abbr };
    const any = [...info.types].reverse().find((x) => x.off === offset);
    if (any) return { offset, abbrev: any.abbr };
  }
  if (tz === 'Etc/UTC' || tz === 'Etc/GMT' || tz === 'GMT') return { offset, abbrev: tz.replace('Etc/', '') };
  return { offset, abbrev: numericAbbrev(offset) };
}

/** Looks up an abbreviation in a zone near an instant (Go's Location.lookupName). */
export function zoneLookupName(zone: Zone, abbrev: string, unixSec: number): number | undefined {
  const tz = zone.name === 'Local' ? localTz() : zone.name;
  if (zone.offsetSeconds !== undefined) return zone.name === abbrev ? zone.offsetSeconds : undefined;
  if (tz === undefined || tz === 'UTC') return abbrev === 'UTC' ? 0 : undefined;
  // First the zone in effect at that time, then any zone with that name.
  const here = zoneLookup(zone, unixSec - zoneLookup(zone, unixSec).offset);
  if (here.abbrev === abbrev) return here.offset;
  const info = tzif(tz);
  const t = info?.types.find((x) => x.abbr === abbrev);
  return t?.off;
}

export const secondsOf = (t: GoTime): number => Number((t.ns - floorMod(t.ns, 1_000_000_000n)) / 1_000_000_000n);
export const nanosOf = (t: GoTime): number => Number(floorMod(t.ns, 1_000_000_000n));
function floorMod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}
