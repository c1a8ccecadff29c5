/**
 * `verify`: proves that a prefix root is self-contained, so that it runs from a sysext on any
 * host. Every ELF file's interpreter, RUNPATH/RPATH and DT_NEEDED, every executable script's
 * shebang and every symlink under root+EPREFIX must stay inside EPREFIX, resolved as the target
 * would resolve them (inside `root`, never on the build host).
 */
import { fstatSync } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import { posix, resolve as resolveHost } from 'node:path';
import { readElf, withHead } from '../elf/read.js';
import { Failure, UsageError } from '../util/errors.js';
import { checkElf, checkShebang, checkSymlink, type CheckContext } from './verify-checks.js';
import { LibraryFinder, prefixLibraryDirs } from './verify-libs.js';
import { TargetRoot } from './verify-root.js';

export interface VerifyProblem {
  /** As on the target, e.g. /usr/local/pkdemo/usr/bin/hello. */
  readonly path: string;
  /** The check that failed (or, for a damaged ELF file, could not be made). */
  readonly kind: 'interp' | 'needed' | 'runpath' | 'shebang' | 'symlink';
  readonly detail: string;
  /** A leak makes the prefix depend on the host; a warning deserves a look but is not one. */
  readonly severity: 'leak' | 'warning';
}

export interface VerifyReport {
  readonly root: string;
  readonly eprefix: string;
  /** Regular files, of which ELF files and executable scripts; symlinks are counted apart. */
  readonly files: number;
  readonly elfFiles: number;
  readonly scripts: number;
  readonly symlinks: number;
  /** Sorted by path, then kind. */
  readonly problems: readonly VerifyProblem[];
}

/** Files checked at once: lets their library and symlink lookups overlap; at most this many are open. */
const CONCURRENCY = 64;

/** Checks every file under root+eprefix; a UsageError when there is no such directory or eprefix is relative. */
export async function verifyPrefix(root: string, eprefix: string): Promise<VerifyReport> {
  if (!eprefix.startsWith('/')) throw new UsageError(`--eprefix must be an absolute path, got "${eprefix}"`);
  const p = posix.normalize(eprefix).replace(/(.)\/+$/, '$1');
  const host = resolveHost(root);
  if (!(await stat(host).then((s) => s.isDirectory(), () => false))) throw new UsageError(`root ${root} is not a directory`);
  const target = new TargetRoot(host.replace(/\/+$/, ''));
  const top = await target.resolve(p);
  if (!top.stat?.isDirectory()) throw new UsageError(`${root} has no prefix ${p}: ${target.host(p)} is not a directory`);

  const entries: Entry[] = [];
  await walk(target, top.path, entries);
  const ctx: CheckContext = { root: target, eprefix: p, libs: new LibraryFinder(target, p), libraryDirs: await prefixLibraryDirs(target, p) };
  const counts = { files: 0, elfFiles: 0, scripts: 0, symlinks: 0 };
  const problems: VerifyProblem[] = [];
  await eachLimited(entries, CONCURRENCY, async (e) => {
    if (e.link) {
      counts.symlinks++;
      problems.push(...(await checkSymlink(ctx, e.path, await readlink(target.host(e.path)))));
      return;
    }
    counts.files++;
    problems.push(...(await checkFile(ctx, e.path, counts)));
  });
  problems.sort((a, b) => cmp(a.path, b.path) || cmp(a.kind, b.kind) || cmp(a.detail, b.detail));
  return { root, eprefix: p, ...counts, problems };
}

interface Entry { readonly path: string; readonly link: boolean }

/** Regular files and symlinks under `dir` (a target path); other file types need no check. */
async function walk(root: TargetRoot, dir: string, out: Entry[]): Promise<void> {
  const dirents = await readdir(root.host(dir), { withFileTypes: true });
  await Promise.all(dirents.map((d) => {
    const path = dir === '/' ? `/${d.name}` : `${dir}/${d.name}`;
    if (d.isDirectory()) return walk(root, path, out);
    if (d.isSymbolicLink() || d.isFile()) out.push({ path, link: d.isSymbolicLink() });
    return undefined;
  }));
}

/**
 * One regular file: ELF files are checked whatever their mode (libraries need not be
 * executable); a `#!` file only when it is executable, since otherwise its shebang is never used.
 */
async function checkFile(ctx: CheckContext, path: string, counts: { elfFiles: number; scripts: number }) {
  const found = await withHead(ctx.root.host(path), async (head, src, fd) => {
    const elf = await readElf(src, head);
    if (elf) return { elf };
    return head[0] === 0x23 && head[1] === 0x21 && (fstatSync(fd).mode & 0o111) !== 0 ? { script: head } : {};
  }).catch((e: NodeJS.ErrnoException) => {
    // The tree changed under us, or a file cannot be opened: a failure, not a verdict about the prefix.
    throw e.code ? new Failure(`cannot read ${ctx.root.host(path)}: ${e.code}`) : e;
  });
  if (found.elf) { counts.elfFiles++; return checkElf(ctx, path, found.elf); }
  if (!found.script) return [];
  counts.scripts++;
  return checkShebang(ctx, path, found.script);
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A table of the problems, then "N leaks, M warnings in F files (…)"; ends with a newline. */
export function formatVerifyReport(r: VerifyReport): string {
  const rows = r.problems.map((q) => [q.severity, q.kind, q.path, q.detail]);
  const widths = [0, 1, 2].map((i) => Math.max(...[['SEVERITY', 'KIND', 'PATH'][i]!.length, ...rows.map((row) => row[i]!.length)]));
  const line = (row: string[]) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ');
  const leaks = r.problems.filter((q) => q.severity === 'leak').length;
  const summary = `${plural(leaks, 'leak')}, ${plural(r.problems.length - leaks, 'warning')} in ${plural(r.files, 'file')}`
    + ` (${r.elfFiles} ELF, ${plural(r.scripts, 'script')}, ${plural(r.symlinks, 'symlink')}) under ${r.eprefix}`;
  return `${[...(rows.length ? [line(['SEVERITY', 'KIND', 'PATH', 'DETAIL']), ...rows.map(line)] : []), summary].join('\n')}\n`;
}

/** The report for tools: fixed key order, `ok` false when anything leaks; ends with a newline. */
export function verifyJson(r: VerifyReport): string {
  const leaks = r.problems.filter((q) => q.severity === 'leak').length;
  return JSON.stringify({
    ok: leaks === 0, root: r.root, eprefix: r.eprefix,
    files: r.files, elfFiles: r.elfFiles, scripts: r.scripts, symlinks: r.symlinks,
    leaks, warnings: r.problems.length - leaks,
    problems: r.problems.map((q) => ({ path: q.path, kind: q.kind, severity: q.severity, detail: q.detail })),
  }, null, 2) + '\n';
}
