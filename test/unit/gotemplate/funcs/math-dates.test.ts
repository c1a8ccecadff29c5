import { describe, expect, it } from 'vitest';
import { GoFuncError, GoTime } from '../../../../src/gotemplate/value.js';
import { call, f, m, show } from './call.js';

describe('math functions', () => {
  it('int64 math through cast.ToInt64 (results are int64: bigint)', () => {
    expect(call('add', 1, 2, 3)).toBe(6n);
    expect(call('add', '1', 2)).toBe(3n);
    expect(call('add', f(1.9), 1)).toBe(2n);
    expect(call('add')).toBe(0n);
    expect(call('sub', 14, 3)).toBe(11n);
    expect(call('mul', 1, '2', 3, '4')).toBe(24n);
    expect(call('div', 5, 4)).toBe(1n);
    expect(call('mod', 10, 3)).toBe(1n);
    expect(call('add1', 3)).toBe(4n);
    expect(call('int64', '0x1F')).toBe(31n);
    expect(call('int', '1.9')).toBe(1);
    expect(call('int', 'x')).toBe(0);
    expect(() => call('div', 1, 0)).toThrow(new GoFuncError('runtime error: integer divide by zero'));
    expect(() => call('mod', 1, 0n)).toThrow(new GoFuncError('runtime error: integer divide by zero'));
    expect(call('biggest', 1, 2, 3, 345, 5)).toBe(345n);
    expect(call('max', 1, 5n, 3)).toBe(5n);
    expect(call('min', 1, 2, 3)).toBe(1n);
    expect(call('min', 4n, -2n)).toBe(-2n);
  });

  it('takes int64 (bigint) wherever cast takes integers', () => {
    expect(call('add', 1n, 2, '3')).toBe(6n);
    expect(call('int64', 7n)).toBe(7n);
    expect(call('int', 7n)).toBe(7);
    expect(show('float64', 7n)).toBe('7');
    expect(call('div', -7n, 2)).toBe(-3n);
    expect(call('mod', -7, 2n)).toBe(-1n);
    expect(show('addf', 1n, f(0.5))).toBe('1.5');
    expect(show('round', 3n, 0)).toBe('3');
    expect(call('toDecimal', 17n)).toBe(15n);
  });

  it('wraps like Go int64 arithmetic, exactly beyond 2^53', () => {
    expect(call('int64', '9223372036854775807')).toBe(9223372036854775807n);
    expect(call('add1', 9223372036854775807n)).toBe(-9223372036854775808n);
    expect(call('add1', 9223372036854775807)).toBe(-9223372036854775808n); // a Go int near the top
    expect(call('mul', 4294967296n, 4294967296)).toBe(0n);
    expect(call('sub', -9223372036854775808n, 1)).toBe(9223372036854775807n);
    expect(call('add', 9007199254740993n, 0)).toBe(9007199254740993n);
    expect(call('int64', f(Infinity))).toBe(-9223372036854775808n); // amd64's int64(+Inf)
  });

  it('reflection tells int64 from int', () => {
    expect(call('typeOf', 3n)).toBe('int64');
    expect(call('typeOf', 3)).toBe('int');
    expect(call('kindOf', 3n)).toBe('int64');
    expect(call('typeIs', 'int64', call('add', 1, 2))).toBe(true);
    expect(call('typeIs', 'int', call('add', 1, 2))).toBe(false);
    expect(call('kindIs', 'int64', call('toDecimal', '7'))).toBe(true);
    expect(call('typeIsLike', 'int64', 3n)).toBe(true);
    expect(call('deepEqual', 3n, 3)).toBe(false);
    expect(call('deepEqual', 3n, 3n)).toBe(true);
    expect(call('deepEqual', [1n, m({ a: 2n })], [1n, m({ a: 2n })])).toBe(true);
    expect(call('deepEqual', [1n], [1])).toBe(false);
    expect(call('empty', 0n)).toBe(true);
    expect(call('empty', -1n)).toBe(false);
    expect(call('toString', -5n)).toBe('-5');
  });

  it('float math through shopspring/decimal', () => {
    expect(show('add1f', f(3.4))).toBe('4.4');
    expect(show('addf', f(1.5), f(2.2), 3)).toBe('6.7');
    expect(show('divf', 5, 4, 2)).toBe('0.625');
    expect(show('divf', 1, 3)).toBe('0.3333333333333333');
    expect(show('mulf', f(1.2), '2.4', 10, '4')).toBe('115.2');
    expect(show('subf', f(4.5), 1, 3)).toBe('0.5');
    expect(show('mulf', 1000, 1000)).toBe('1e+06');
    expect(show('maxf', 1, 2, f(345.7), 5)).toBe('345.7');
    expect(show('minf', f(1.4), 2, 3)).toBe('1.4');
  });

  it('floor, ceil, round, float64, toDecimal', () => {
    expect(show('floor', f(2.7))).toBe('2');
    expect(show('ceil', f(2.1))).toBe('3');
    expect(show('round', f(2.555), 2)).toBe('2.56');
    expect(show('round', f(123.5555), 3)).toBe('123.556');
    expect(show('round', f(3.5), 0)).toBe('4');
    expect(show('floor', '3.9')).toBe('3');
    expect(show('float64', '1.5')).toBe('1.5');
    expect(show('float64', 'x')).toBe('0');
    expect(call('toDecimal', '777')).toBe(511n);
    expect(call('toDecimal', 'x')).toBe(0n);
    expect(call('toDecimal', '-17')).toBe(-15n);
  });
});

describe('date functions (TZ=UTC)', () => {
  const t = (layout: string, s: string) => call('toDate', layout, s) as GoTime;

  it('formats Go layouts', () => {
    const d = t('2006-01-02 15:04:05', '2024-02-29 07:08:09');
    expect(call('date', 'Mon Jan 2 15:04:05 2006', d)).toBe('Thu Feb 29 07:08:09 2024');
    expect(call('date', '02/01/06 3PM .000', d)).toBe('29/02/24 7AM .000');
    expect(call('date', 'Monday January _2 __2 002', d)).toBe('Thursday February 29  60 060');
    expect(call('date', '2006-01-02T15:04:05Z07:00', d)).toBe('2024-02-29T07:08:09Z');
    expect(call('date', '03:04:05.000 pm -07:00 MST', d)).toBe('07:08:09.000 am +00:00 UTC');
    expect(call('date', '02/01/2006', t('2006-01-02', '2017-12-31'))).toBe('31/12/2017');
    expect(call('htmlDate', 0)).toBe('1970-01-01');
  });

  it('dateInZone uses the tz database (abbreviations included), unknown zones fall back to UTC', () => {
    const d = t('2006-01-02 15:04', '2024-09-14 23:30');
    expect(call('dateInZone', '2006-01-02 15:04 MST', d, 'Europe/Rome')).toBe('2024-09-15 01:30 CEST');
    expect(call('dateInZone', '2006-01-02 15:04 MST', t('2006-01-02', '2024-01-10'), 'Europe/Rome')).toBe('2024-01-10 01:00 CET');
    expect(call('dateInZone', '02 Jan 06 15:04 -0700', 1560458379, 'UTC')).toBe('13 Jun 19 20:39 +0000');
    expect(call('dateInZone', '02 Jan 06 15:04 -0700', 1560458379, 'foobar')).toBe('13 Jun 19 20:39 +0000');
    expect(call('dateInZone', '15:04 -07:00', d, 'America/New_York')).toBe('19:30 -04:00');
  });

  it('parses with zones, fractions and Go errors', () => {
    const g = t('02 Jan 06 15:04:05 MST', '13 Jun 19 20:39:39 GMT');
    expect(call('unixEpoch', g)).toBe('1560458379');
    const z = call('toDate', '2006-01-02T15:04:05Z07:00', '2024-09-14T10:00:00.5+02:00');
    // An offset that is not the local zone's becomes FixedZone("", offset); `date` shows it in Local.
    expect((z as GoTime).zone).toEqual({ name: '', offsetSeconds: 7200 });
    expect(call('date', '2006-01-02 15:04:05.999999999 -0700 MST', z)).toBe('2024-09-14 08:00:00.5 +0000 UTC');
    expect(call('unixEpoch', z)).toBe('1726300800');
    expect(show('toDate', '2006-01-02', '2024-09-14')).toBe('2024-09-14 00:00:00 +0000 UTC');
    expect(show('toDate', '2006-01-02', 'nope')).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(() => call('mustToDate', '2006-01-02', '2024-13-01')).toThrow('parsing time "2024-13-01": month out of range');
    expect(() => call('mustToDate', '2006-01-02', 'x')).toThrow('parsing time "x" as "2006-01-02": cannot parse "x" as "2006"');
    expect(() => call('mustToDate', '2006-01-02', '2024-02-30')).toThrow('parsing time "2024-02-30": day out of range');
    expect(() => call('mustToDate', '2006-01-02', '2024-02-03x')).toThrow('parsing time "2024-02-03x": extra text: "x"');
  });

  it('dateModify, durations', () => {
    const d = t('2006-01-02', '2024-09-14');
    expect(call('date', '2006-01-02 15:04', call('dateModify', '+36h', d))).toBe('2024-09-15 12:00');
    expect(call('date', '2006-01-02 15:04', call('dateModify', '-1h30m', t('2006-01-02', '2024-01-01')))).toBe('2023-12-31 22:30');
    expect(call('dateModify', 'bogus', d)).toBe(d);
    expect(() => call('mustDateModify', 'bogus', d)).toThrow('time: invalid duration "bogus"');
    expect(() => call('mustDateModify', '5', d)).toThrow('time: missing unit in duration "5"');
    expect(call('duration', '61')).toBe('1m1s');
    expect(call('duration', '93784')).toBe('26h3m4s');
    expect(call('duration', 95)).toBe('0s'); // a Go int: sprig honours int64 and strings only
    expect(call('duration', 95n)).toBe('1m35s');
    expect(call('duration', -95n)).toBe('-1m35s');
    expect(call('duration', 0n)).toBe('0s');
    expect(call('duration', 9223372036854775807n)).toBe('-1s'); // time.Duration(n) * time.Second wraps
    expect(call('duration', '-61')).toBe('-1m1s');
    expect(call('duration', '1.5')).toBe('0s');
    expect(call('duration', f(95))).toBe('0s');
    expect(call('durationRound', 90061)).toBe('0s');
    expect(call('durationRound', 90061n * 1_000_000_000n)).toBe('1d');
    expect(call('durationRound', 3600n * 1_000_000_000n)).toBe('60m');
    expect(call('durationRound', -125n * 1_000_000_000n)).toBe('2m');
    expect(call('htmlDate', 86400n)).toBe('1970-01-02');
    expect(call('durationRound', '2h10m5s')).toBe('2h');
    expect(call('durationRound', '24h5s')).toBe('1d');
    expect(call('durationRound', '2400h5s')).toBe('3mo');
    expect(call('durationRound', '9000h')).toBe('1y');
    expect(call('ago', call('dateModify', '-125s', call('now')))).toBe('2m5s');
    expect(call('kindOf', call('now'))).toBe('struct');
    expect(call('typeOf', call('now'))).toBe('time.Time');
  });
});
