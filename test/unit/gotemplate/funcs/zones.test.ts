import { describe, expect, it } from 'vitest';
import { formatTime } from '../../../../src/gotemplate/funcs/timefmt.js';
import { localTz, UTC_NAMES, utcFromLocaltime, zoneLookup } from '../../../../src/gotemplate/funcs/zones.js';
import { GoTime } from '../../../../src/gotemplate/value.js';

// UTC and its aliases never start Intl (ICU's start-up is most of a cold `date`): these tests hold
// that shortcut against Intl itself.
const intlZone = (tz?: string) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;

/** Instants from year 1 to 9999: leap days, year ends, before 1970, fractions. */
const INSTANTS = [-62135596800, -62135596799, -2208988800, -1, 0, 951782400, 951868799, 1709164800, 1735689599,
  1735689600, 2147483647, 4102444800, 253402300799].flatMap((s) => [s, s + 86399, s + 3600 * 13 + 61]);

describe('zones without Intl', () => {
  it('each UTC name is UTC for Intl, with offset 0 at every instant', () => {
    for (const name of UTC_NAMES) {
      expect(intlZone(name), name).toBe('UTC');
      const long = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
      for (const s of INSTANTS) {
        expect(zoneLookup({ name }, s).offset).toBe(0);
        expect(long.formatToParts(s * 1000).find((p) => p.type === 'timeZoneName')?.value, `${name} ${s}`).toMatch(/^GMT(?:[+-]00:00)?$/);
      }
    }
  });

  it('reads UTC from the /etc/localtime link as ICU does, and leaves other zones to Intl', () => {
    expect(utcFromLocaltime('/usr/share/zoneinfo/Etc/UTC')).toBe('UTC');
    expect(utcFromLocaltime('/usr/share/zoneinfo/UTC')).toBe('UTC');
    expect(utcFromLocaltime('/usr/share/zoneinfo/posix/Etc/GMT')).toBe('UTC');
    expect(utcFromLocaltime('/usr/share/zoneinfo/right/Zulu')).toBe('UTC');
    expect(utcFromLocaltime('/usr/share/zoneinfo/Europe/Rome')).toBeUndefined();
    expect(utcFromLocaltime('/usr/share/zoneinfo/Etc/GMT+1')).toBeUndefined();
    expect(utcFromLocaltime('/etc/localtime')).toBeUndefined();
    expect(utcFromLocaltime(undefined)).toBeUndefined();
  });

  it('resolves Local as Intl does, with TZ unset, UTC names and other zones', () => {
    const saved = process.env.TZ;
    try {
      delete process.env.TZ;
      expect(localTz()).toBe(intlZone());
      for (const tz of ['UTC', 'Etc/UTC', ':Etc/UTC', 'Zulu', 'Europe/Rome', 'America/New_York']) {
        process.env.TZ = tz;
        expect(localTz(), tz).toBe(tz.replace(/^:/, ''));
      }
      process.env.TZ = 'Not/AZone';
      expect(localTz()).toBeUndefined();
      process.env.TZ = '';
      expect(localTz()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('formats UTC times by arithmetic exactly as Intl shows them', () => {
    const intl = new Intl.DateTimeFormat('en-US', {
      timeZone: 'UTC', hourCycle: 'h23', weekday: 'long', year: 'numeric', month: 'long', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', era: 'short',
    });
    for (const name of ['UTC', 'Etc/UTC', 'GMT']) {
      for (const s of INSTANTS) {
        const t = new GoTime(BigInt(s) * 1_000_000_000n + 5_000_000n, { name });
        const p = Object.fromEntries(intl.formatToParts(s * 1000).map((x) => [x.type, x.value]));
        const year = p.era === 'BC' ? 1 - Number(p.year) : Number(p.year);
        expect(formatTime(t, 'Monday, January 02 2006 15:04:05', { name }), `${name} ${s}`)
          .toBe(`${p.weekday}, ${p.month} ${p.day} ${String(year).padStart(4, '0')} ${p.hour}:${p.minute}:${p.second}`);
        expect(formatTime(t, '2006-01-02T15:04:05.000Z07:00 -0700', { name })).toMatch(/\.005Z \+0000$/);
      }
    }
    expect(formatTime(new GoTime(1732492800n * 1_000_000_000n, { name: 'Etc/UTC' }), 'Jan _2 2006 MST', { name: 'Etc/UTC' })).toBe('Nov 25 2024 UTC');
  });
});
