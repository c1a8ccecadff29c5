/**
 * sprig's numeric functions (numeric.go, functions.go): int64 math through cast.ToInt64 (results
 * are Go int64s, i.e. bigints: `add 1 2` prints 3 but `printf "%T"` says int64),
 * float math through shopspring/decimal (exact add/sub/mul, division to 16 places), rounding,
 * ranges (until/untilStep/seq) and conversions (int, int64, float64, atoi, toDecimal).
 */
import { nodeCrypto } from '../../util/vendor.js';
import { formatV } from '../format.js';
import { GoFloat, GoFuncError, typedSlice, type GoFunc, type Value } from '../value.js';
import { parseInt64Go, toFloat64, toInt, toInt64 } from './convert.js';
import { fn, fnv } from './define.js';

const f64 = (x: number) => new GoFloat(x);
/** Wraps to int64 the way Go's integer arithmetic overflows. */
const wrap = (n: bigint): bigint => BigInt.asIntN(64, n);

function div(a: Value, b: Value): bigint {
  const y = toInt64(b);
  if (y === 0n) throw new GoFuncError('runtime error: integer divide by zero');
  return wrap(toInt64(a) / y);
}
function mod(a: Value, b: Value): bigint {
  const y = toInt64(b);
  if (y === 0n) throw new GoFuncError('runtime error: integer divide by zero');
  return wrap(toInt64(a) % y);
}

// ----- shopspring/decimal, the parts sprig uses --------------------------------------------

interface Dec { c: bigint; e: number } // value = c × 10^e

/** decimal.NewFromFloat: the shortest decimal that round-trips. */
function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new GoFuncError(`Cannot create a Decimal from ${formatV(f64(f))}`);
  const s = f.toExponential(); // d.ddddde±x
  const [mant, exp] = s.split('e') as [string, string];
  const digits = mant.replace('.', '').replace('-', '');
  const frac = mant.includes('.') ? mant.split('.')[1]!.length : 0;
  return { c: BigInt((f < 0 ? '-' : '') + digits), e: Number(exp) - frac };
}
const align = (a: Dec, b: Dec): [bigint, bigint, number] => {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
};
const decAdd = (a: Dec, b: Dec): Dec => { const [x, y, e] = align(a, b); return { c: x + y, e }; };
const decSub = (a: Dec, b: Dec): Dec => { const [x, y, e] = align(a, b); return { c: x - y, e }; };
const decMul = (a: Dec, b: Dec): Dec => ({ c: a.c * b.c, e: a.e + b.e });
/** decimal.Div: DivRound to 16 places, half away from zero. */
function decDiv(a: Dec, b: Dec): Dec {
  if (b.c === 0n) throw new GoFuncError('decimal division by zero');
  const prec = 16;
  // q = a/b × 10^prec = a.c × 10^(a.e - b.e + prec) / b.c
  const shift = a.e - b.e + prec;
  let num = a.c;
  let den = b.c;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  if (den < 0n) { num = -num; den = -den; }
  let q = num / den;
  const r = num % den;
  if (2n * (r < 0n ? -r : r) >= den) q += num < 0n ? -1n : 1n;
  return { c: q, e: -prec };
}
const decToFloat = (d: Dec): number => Number(`${d.c}e${d.e}`);

function decOp(a: Value, rest: Value[], op: (x: Dec, y: Dec) => Dec): GoFloat {
  let acc = decFromFloat(toFloat64(a));
  for (const x of rest) acc = op(acc, decFromFloat(toFloat64(x)));
  return f64(decToFloat(acc));
}

// ----- ranges -------------------------------------------------------------------------------

export function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}

function seq(...p: number[]): string {
  let r: number[];
  switch (p.length) {
    case 1: {
      const inc = p[0]! < 1 ? -1 : 1;
      r = untilStep(1, p[0]! + inc, inc);
      break;
    }
    case 2: {
      const step = p[1]! < p[0]! ? -1 : 1;
      r = untilStep(p[0]!, p[1]! + step, step);
      break;
    }
    case 3: {
      const [start, step, end] = p as [number, number, number];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      }
      r = untilStep(start, end + inc, step);
      break;
    }
    default:
      return '';
  }
  return r.join(' ');
}

function round(a: Value, p: number, ...opt: GoFloat[]): GoFloat {
  const on = opt.length > 0 ? opt[0]!.f : 0.5;
  const val = toFloat64(a);
  const pow = Math.pow(10, p);
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  return f64((frac >= on ? Math.ceil(digit) : Math.floor(digit)) / pow);
}

/** sprig's toDecimal: strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on error; an int64. */
function toDecimal(v: Value): bigint {
  return parseInt64Go(formatV(v), 8) ?? 0n;
}

const maxOf = (a: Value, xs: Value[]): bigint => xs.reduce<bigint>((m, x) => { const y = toInt64(x); return y > m ? y : m; }, toInt64(a));
const minOf = (a: Value, xs: Value[]): bigint => xs.reduce<bigint>((m, x) => { const y = toInt64(x); return y < m ? y : m; }, toInt64(a));

const maxOf2 = (a: Value, ...xs: Value[]) => maxOf(a, xs);

const ints = (xs: number[]) => typedSlice(xs, '[]int');

export const mathFuncs: Record<string, GoFunc> = {
  add1: fn(['interface {}'], (i: Value) => wrap(toInt64(i) + 1n)),
  add: fnv([], 'interface {}', (...xs: Value[]) => xs.reduce<bigint>((a, x) => wrap(a + toInt64(x)), 0n)),
  sub: fn(['interface {}', 'interface {}'], (a: Value, b: Value) => wrap(toInt64(a) - toInt64(b))),
  div: fn(['interface {}', 'interface {}'], div),
  mod: fn(['interface {}', 'interface {}'], mod),
  mul: fnv(['interface {}'], 'interface {}', (a: Value, ...xs: Value[]) =>
    xs.reduce<bigint>((acc, x) => wrap(acc * toInt64(x)), toInt64(a))),
  randInt: fn(['int', 'int'], (min: number, max: number) => {
    if (max - min <= 0) throw new GoFuncError('invalid argument to Intn');
    return min + nodeCrypto().randomInt(max - min);
  }),
  add1f: fn(['interface {}'], (i: Value) => decOp(i, [1], decAdd)),
  addf: fnv([], 'interface {}', (...xs: Value[]) => decOp(f64(0), xs, decAdd)),
  subf: fnv(['interface {}'], 'interface {}', (a: Value, ...xs: Value[]) => decOp(a, xs, decSub)),
  divf: fnv(['interface {}'], 'interface {}', (a: Value, ...xs: Value[]) => decOp(a, xs, decDiv)),
  mulf: fnv(['interface {}'], 'interface {}', (a: Value, ...xs: Value[]) => decOp(a, xs, decMul)),
  biggest: fnv(['interface {}'], 'interface {}', maxOf2),
  max: fnv(['interface {}'], 'interface {}', maxOf2),
  min: fnv(['interface {}'], 'interface {}', (a: Value, ...xs: Value[]) => minOf(a, xs)),
  maxf: fnv(['interface {}'], 'interface {}', (a: Value, ...xs: Value[]) => f64(xs.reduce<number>((m, x) => goMax(m, toFloat64(x)), toFloat64(a)))),
  minf: fnv(['interface {}'], 'interface {}', (a: Value, ...xs: Value[]) => f64(xs.reduce<number>((m, x) => goMin(m, toFloat64(x)), toFloat64(a)))),
  ceil: fn(['interface {}'], (a: Value) => f64(Math.ceil(toFloat64(a)))),
  floor: fn(['interface {}'], (a: Value) => f64(Math.floor(toFloat64(a)))),
  round: fnv(['interface {}', 'int'], 'float64', round),
  until: fn(['int'], (n: number) => ints(untilStep(0, n, n < 0 ? -1 : 1))),
  untilStep: fn(['int', 'int', 'int'], (a: number, b: number, s: number) => ints(untilStep(a, b, s))),
  seq: fnv([], 'int', seq),
  int64: fn(['interface {}'], toInt64),
  int: fn(['interface {}'], toInt),
  float64: fn(['interface {}'], (v: Value) => f64(toFloat64(v))),
  toDecimal: fn(['interface {}'], toDecimal),
};

/** math.Max / math.Min: NaN wins, and +0 beats -0. */
function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  return Math.max(a, b);
}
function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  return Math.min(a, b);
}
