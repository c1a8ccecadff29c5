/**
 * A hook's chroot_binds, checked and resolved before anything is mounted: sources must exist,
 * targets are resolved inside the rootfs (through the binds mounted before them, in the order
 * written) and may not be the rootfs itself or lie in the /proc, /sys and /dev the chroot mounts.
 */
import { lstatSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { Failure } from '../../util/errors.js';
import type { Bind } from '../job.js';
import { inRootfs, isWithin, resolveInRoot, type HostOf } from './rootpath.js';

export interface BindMount {
  /** As written in the spec; a host path. */
  readonly source: string;
  /** Canonical path inside the rootfs. */
  readonly target: string;
  /** Host paths of the target's missing components, to create in this order. */
  readonly create: readonly string[];
  /** The source is a file, so the last created component is an empty file. */
  readonly file: boolean;
}

export interface PlannedBinds {
  readonly mounts: readonly BindMount[];
  /** Where an inside path lives once all the binds are mounted. */
  readonly hostOf: HostOf;
}

/** The directories the chroot mounts itself; binds may not go there. */
export const SPECIAL_DIRS = ['/proc', '/sys', '/dev'] as const;

export function planBinds(root: string, binds: readonly Bind[]): PlannedBinds {
  const special = SPECIAL_DIRS.map((d) => resolveInRoot(d, inRootfs(root)).inside);
  const mounts: Array<BindMount & { readonly real: string }> = [];
  const hostOf: HostOf = (inside) => {
    // The last bind mounted at or above a path hides everything mounted there before it.
    for (let i = mounts.length - 1; i >= 0; i--) {
      const m = mounts[i]!;
      if (isWithin(inside, m.target)) return m.real + inside.slice(m.target.length);
    }
    return root + inside;
  };
  for (const b of binds) mounts.push(planBind(b, hostOf, special));
  return { mounts, hostOf };
}

/** Creates the missing bind targets (directories, or an empty file for a file source). */
export function createTargets(mounts: readonly BindMount[]): void {
  for (const m of mounts) {
    m.create.forEach((path, i) => {
      const file = m.file && i === m.create.length - 1;
      try {
        if (file) writeFileSync(path, '', { flag: 'wx' });
        else mkdirSync(path, 0o755);
      } catch (e) {
        // An earlier bind may have created the same directory.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || file || !lstatSync(path).isDirectory()) throw e;
      }
    });
  }
}

function planBind(b: Bind, hostOf: HostOf, special: readonly string[]): BindMount & { readonly real: string } {
  if (!isAbsolute(b.source)) throw new Failure(`chroot_binds source "${b.source}" is not an absolute path`);
  const st = statOrUndefined(b.source);
  if (!st) throw new Failure(`chroot_binds source ${b.source} does not exist`);
  if (!st.isDirectory() && !st.isFile()) throw new Failure(`chroot_binds source ${b.source} is neither a directory nor a file`);
  const r = withWhat(`chroot_binds target ${b.target}`, () => resolveInRoot(b.target, hostOf));
  const via = r.inside === b.target.replace(/\/+$/, '') ? '' : ` (it resolves to ${r.inside})`;
  if (r.inside === '/') throw new Failure(`chroot_binds target ${b.target} is the root of the rootfs${via}: refusing to mount over it`);
  const inSpecial = special.find((d) => isWithin(r.inside, d));
  if (inSpecial) throw new Failure(`chroot_binds target ${b.target} is in ${inSpecial}${via}, which the chroot mounts itself`);
  if (r.missing === 0) {
    const isDir = statSync(hostOf(r.inside)).isDirectory();
    if (isDir !== st.isDirectory()) {
      throw new Failure(`chroot_binds target ${b.target}${via} is a ${isDir ? 'directory' : 'file'} but source ${b.source} is not`);
    }
  }
  const parts = r.inside.split('/').slice(1);
  const create = parts.slice(parts.length - r.missing).map((_, i) => hostOf(`/${parts.slice(0, parts.length - r.missing + i + 1).join('/')}`));
  return { source: b.source, target: r.inside, create, file: st.isFile(), real: realpathSync(b.source) };
}

function withWhat<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Failure) throw new Failure(`${what}: ${e.message}`);
    throw e;
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
