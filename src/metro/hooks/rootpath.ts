/**
 * Paths inside a rootfs, resolved as a process chrooted there would see them: an absolute symlink
 * starts again at the rootfs, and `..` stops at its root. The result never leaves the rootfs, so a
 * symlink such as `mnt/evil -> /` cannot turn a mount or a write into one on the host.
 */
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { Failure } from '../../util/errors.js';

export interface InsidePath {
  /** The canonical path inside the rootfs, e.g. `/var/db/repos`; no component before the missing ones is a symlink. */
  readonly inside: string;
  /** How many trailing components do not exist yet (0: the path exists). */
  readonly missing: number;
}

/** Where a path inside the rootfs lives on the host (the rootfs itself, or the source of a bind mounted on the way). */
export type HostOf = (inside: string) => string;

/** Linux's own limit (MAXSYMLINKS). */
const MAX_LINKS = 40;

export function resolveInRoot(path: string, hostOf: HostOf): InsidePath {
  const done: string[] = [];
  let todo = path.split('/');
  let links = 0;
  while (todo.length > 0) {
    const name = todo.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') { done.pop(); continue; }
    const inside = `/${[...done, name].join('/')}`;
    const st = lstatOrUndefined(hostOf(inside));
    if (!st) return missingFrom(done, [name, ...todo]);
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new Failure('too many levels of symbolic links');
      const to = readlinkSync(hostOf(inside));
      if (to.startsWith('/')) done.length = 0;
      todo = [...to.split('/'), ...todo];
      continue;
    }
    if (!st.isDirectory() && todo.some((n) => n !== '' && n !== '.')) throw new Failure(`${inside} is not a directory`);
    done.push(name);
  }
  return { inside: `/${done.join('/')}`, missing: 0 };
}

/** A host path for `inside` in the plain rootfs (no binds). */
export const inRootfs = (rootfs: string): HostOf => (inside) => rootfs + inside;

/**
 * The program a chrooted exec would run: `program` itself when it has a slash, else the first
 * executable file of that name in `pathEnv` (glibc's default when unset), as execvp does.
 */
export function findInRoot(program: string, pathEnv: string | undefined, hostOf: HostOf): InsidePath | undefined {
  const dirs = program.includes('/') ? [''] : (pathEnv ?? '/bin:/usr/bin').split(':').filter(Boolean);
  for (const dir of dirs) {
    const r = tryResolve(dir ? `${dir}/${program}` : program, hostOf);
    if (r && r.missing === 0 && isExecutableFile(hostOf(r.inside))) return r;
  }
  return undefined;
}

/** True when `path` is `dir` or below it (both canonical inside paths). */
export const isWithin = (path: string, dir: string): boolean => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

function missingFrom(done: readonly string[], rest: readonly string[]): InsidePath {
  const names = rest.filter((n) => n !== '' && n !== '.');
  // Whether `..` after a missing directory would work depends on directories we are about to create: refuse it.
  if (names.includes('..')) throw new Failure('".." after a directory that does not exist');
  return { inside: `/${[...done, ...names].join('/')}`, missing: names.length };
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function tryResolve(path: string, hostOf: HostOf): InsidePath | undefined {
  try {
    return resolveInRoot(path, hostOf);
  } catch (e) {
    if (e instanceof Failure) return undefined;
    throw e;
  }
}

function isExecutableFile(path: string): boolean {
  const st = statSync(path);
  return st.isFile() && (st.mode & 0o111) !== 0;
}
