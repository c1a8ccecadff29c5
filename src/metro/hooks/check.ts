import { existsSync } from 'node:fs';
import { UsageError } from '../../util/errors.js';
import { checkChrootArch, type Executor } from './arch.js';
import { findTool, tool } from '../../util/tools.js';

/** The tools each executor runs, and how to get them. */
const NEEDS: Readonly<Record<Executor, ReadonlyArray<readonly [tool: string, fix: string]>>> = {
  builtin: [['unshare', 'install util-linux'], ['nsenter', 'install util-linux'], ['mount', 'install mount (util-linux)'], ['chroot', 'install coreutils']],
  fchroot: [['fchroot', 'install it (pip install fchroot, or sys-apps/fchroot on Gentoo), or use the builtin executor'], ['unshare', 'install util-linux']],
};

/**
 * Checks, before any side effect, that inner-chroot hooks can run: root, the executor's tools, and
 * (when the rootfs is already there) its architecture. Throws a UsageError that says the fix.
 * A rootfs the source phase has yet to fill is checked again before its first inner-chroot hook.
 */
export function checkExecutor(rootfs: string | undefined, executor: Executor, willRunChrootHooks: boolean): void {
  if (!willRunChrootHooks) return;
  if (process.getuid?.() !== 0) throw new UsageError('inner-chroot hooks need root (they mount file systems and chroot): run prefixkit as root');
  for (const [tool, fix] of NEEDS[executor]) {
    if (!findTool(tool)) throw new UsageError(`inner-chroot hooks with the ${executor} executor need ${tool}, which is not on the PATH: ${fix}`);
  }
  if (rootfs && existsSync(rootfs)) checkChrootArch(rootfs, { executor });
}

/** A tool checkExecutor has required, for running inner-chroot hooks. */
export const chrootTool = (name: string): string => tool(name, 'to run inner-chroot hooks');
