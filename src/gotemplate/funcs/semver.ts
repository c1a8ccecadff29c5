/**
 * sprig's semver and semverCompare on Masterminds/semver v3.3.0 semantics: NewVersion,
 * constraint parsing (ranges, ||, commas, x-wildcards) and each operator's check.
 */
import { GoFuncError, GoStruct, type GoFunc, type Value } from '../value.js';
import { fn, fne } from './define.js';

/** A *semver.Version: fields for `.Major` etc., String() for printing. */
export class SemverVersion extends GoStruct {
  constructor(readonly major: bigint, readonly minor: bigint, readonly patch: bigint,
    readonly pre: string, readonly metadata: string, readonly original: string) {
    super('*semver.Version', new Map<string, Value>([
      ['Major', Number(major)], ['Minor', Number(minor)], ['Patch', Number(patch)],
      ['Prerelease', pre], ['Metadata', metadata], ['Original', original],
    ]));
  }
  String(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.pre ? '-' + this.pre : ''}${this.metadata ? '+' + this.metadata : ''}`;
  }
  /**
   * The *semver.Version methods a template can call (`(semver "1.2.3").Compare $v`). The value
   * model has no methods; an engine that supports them can look here.
   */
  get methods(): ReadonlyMap<string, GoFunc> {
    const other = (o: Value): SemverVersion => {
      if (o instanceof SemverVersion) return o;
      throw new GoFuncError(`wrong type for value; expected *semver.Version; got ${o === null ? 'interface {}' : typeof o}`);
    };
    const bump = (ma: bigint, mi: bigint, pa: bigint) => {
      const s = `${ma}.${mi}.${pa}`;
      return new SemverVersion(ma, mi, pa, '', '', this.original.startsWith('v') ? 'v' + s : s);
    };
    return new Map<string, GoFunc>([
      ['String', fn([], () => this.String())],
      ['Compare', fn(['interface {}'], (o: Value) => compareVersions(this, other(o)))],
      ['LessThan', fn(['interface {}'], (o: Value) => compareVersions(this, other(o)) < 0)],
      ['GreaterThan', fn(['interface {}'], (o: Value) => compareVersions(this, other(o)) > 0)],
      ['Equal', fn(['interface {}'], (o: Value) => compareVersions(this, other(o)) === 0)],
      ['IncPatch', fn([], () => (this.pre !== '' ? bump(this.major, this.minor, this.patch) : bump(this.major, this.minor, this.patch + 1n)))],
      ['IncMinor', fn([], () => bump(this.major, this.minor + 1n, 0n))],
      ['IncMajor', fn([], () => bump(this.major + 1n, 0n, 0n))],
    ]);
  }
}

const SEMVER = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const U64_MAX = 18446744073709551615n;

function parseUint(s: string): bigint {
  const n = BigInt(s);
  if (n > U64_MAX) throw new Error(`Error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** semver.NewVersion; throws Error with the library's message. */
export function newVersion(v: string): SemverVersion {
  const m = SEMVER.exec(v);
  if (!m) throw new Error('Invalid Semantic Version');
  const pre = m[5] ?? '';
  const meta = m[8] ?? '';
  const major = parseUint(m[1]!);
  const minor = m[2] ? parseUint(m[2].slice(1)) : 0n;
  const patch = m[3] ? parseUint(m[3].slice(1)) : 0n;
  if (pre) {
    for (const p of pre.split('.')) {
      if (/^[0-9]*$/.test(p)) { if (p.length > 1 && p[0] === '0') throw new Error('Version segment starts with 0'); }
      else if (!/^[0-9A-Za-z-]*$/.test(p)) throw new Error('Invalid Prerelease string');
    }
  }
  if (meta) for (const p of meta.split('.')) if (!/^[0-9A-Za-z-]*$/.test(p)) throw new Error('Invalid Metadata string');
  return new SemverVersion(major, minor, patch, pre, meta, v);
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return s !== '' ? 1 : -1;
  const on = /^[0-9]+$/.test(o) && BigInt(o) <= U64_MAX;
  const sn = /^[0-9]+$/.test(s) && BigInt(s) <= U64_MAX;
  if (!on && !sn) return s > o ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split('.');
  const op = o.split('.');
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

export function compareVersions(v: SemverVersion, o: SemverVersion): number {
  const d = cmp(v.major, o.major) || cmp(v.minor, o.minor) || cmp(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === '' && o.pre === '') return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  return comparePrerelease(v.pre, o.pre);
}

interface Constraint { op: string; con: SemverVersion; orig: string; dirty: boolean; minorDirty: boolean; patchDirty: boolean }

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const CONSTRAINT = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const RANGE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, 'g');
const FIND = new RegExp(String.raw`(${OPS})\s*(${CV})`, 'g');
const VALID = new RegExp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);
const isX = (s: string) => s === 'x' || s === '*' || s === 'X';

function parseConstraint(c: string): Constraint {
  if (c.length === 0) return { op: '', con: newVersion('0.0.0'), orig: c, dirty: true, minorDirty: false, patchDirty: false };
  const m = CONSTRAINT.exec(c);
  if (!m) throw new Error(`improper constraint: ${c}`);
  let ver = m[2]!;
  let dirty = false, minorDirty = false, patchDirty = false;
  const [m3 = '', m4 = '', m5 = '', m6 = ''] = [m[3], m[4], m[5], m[6]];
  if (isX(m3) || m3 === '') { ver = `0.0.0${m6}`; dirty = true; }
  else if (isX(m4.replace(/^\./, '')) || m4 === '') { minorDirty = dirty = true; ver = `${m3}.0.0${m6}`; }
  else if (isX(m5.replace(/^\./, '')) || m5 === '') { dirty = patchDirty = true; ver = `${m3}${m4}.0${m6}`; }
  let con: SemverVersion;
  try { con = newVersion(ver); } catch { throw new Error('constraint Parser Error'); }
  return { op: m[1]!, con, orig: m[2]!, dirty, minorDirty, patchDirty };
}

/** semver.NewConstraint: OR groups of AND-ed constraints. */
export function newConstraint(c: string): Constraint[][] {
  c = c.replace(RANGE, (_all, ...g: string[]) => `>= ${g[0]}, <= ${g[10]} `);
  return c.split('||').map((part) => {
    if (!VALID.test(part)) throw new Error(`improper constraint: ${part}`);
    const found = part.match(FIND) ?? [part];
    return found.map(parseConstraint);
  });
}

function check(v: SemverVersion, c: Constraint): boolean {
  const x = c.con;
  if (v.pre !== '' && x.pre === '') return false;
  const lt = compareVersions(v, x) < 0;
  switch (c.op) {
    case '': case '=':
      return c.dirty ? tilde(v, c) : compareVersions(v, x) === 0;
    case '!=':
      if (c.dirty) {
        if (x.major !== v.major) return true;
        if (x.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (x.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.pre !== '' || x.pre !== '') return comparePrerelease(v.pre, x.pre) !== 0;
          return false;
        }
      }
      return compareVersions(v, x) !== 0;
    case '>':
      if (!c.dirty) return compareVersions(v, x) === 1;
      if (v.major > x.major) return true;
      if (v.major < x.major || c.minorDirty) return false;
      if (c.patchDirty) return v.minor > x.minor;
      return compareVersions(v, x) === 1;
    case '<':
      return lt;
    case '>=': case '=>':
      return compareVersions(v, x) >= 0;
    case '<=': case '=<':
      if (!c.dirty) return compareVersions(v, x) <= 0;
      if (v.major > x.major) return false;
      if (v.major === x.major && v.minor > x.minor && !c.minorDirty) return false;
      return true;
    case '~': case '~>':
      return tilde(v, c);
    case '^':
      if (lt) return false;
      if (x.major > 0n || c.minorDirty) return v.major === x.major;
      if (x.major === 0n && v.major > 0n) return false;
      if (x.minor > 0n || c.patchDirty) return v.minor === x.minor;
      if (x.minor === 0n && v.minor > 0n) return false;
      return x.patch === v.patch;
  }
  return false;
}

function tilde(v: SemverVersion, c: Constraint): boolean {
  const x = c.con;
  if (compareVersions(v, x) < 0) return false;
  if (x.major === 0n && x.minor === 0n && x.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== x.major) return false;
  if (v.minor !== x.minor && !c.minorDirty) return false;
  return true;
}

export function semverCompare(constraint: string, version: string): boolean {
  let cs: Constraint[][];
  let v: SemverVersion;
  try {
    cs = newConstraint(constraint);
    v = newVersion(version);
  } catch (e) {
    throw new GoFuncError((e as Error).message);
  }
  return cs.some((and) => and.every((c) => check(v, c)));
}

export const semverFuncs: Record<string, GoFunc> = {
  semver: fne(['string'], (s: string) => {
    try { return newVersion(s); } catch (e) { throw new GoFuncError((e as Error).message); }
  }),
  semverCompare: fne(['string', 'string'], semverCompare),
};
