/**
 * The workspace of a run: its lock, the rootfs removal that never crosses into a mount, and the
 * resume state. mark-devkit has none of these (reference metro.md §7.1-4): its RemoveAll deleted
 * a bind source's content, and two runs could share a workspace.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Failure, UsageError } from '../../util/errors.js';
import { writeAtomic } from '../../util/fs.js';
import { run } from '../../util/run.js';

/** Takes the workspace lock (a file holding our pid); a lock whose process is gone is taken over. */
export function lockWorkspace(stateDir: string, workspace: string): () => void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const lock = join(stateDir, 'lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (pid && alive(pid)) throw new UsageError(`workspace ${workspace} is in use by another run (pid ${pid}); wait for it, or give this job another workspacedir`);
      rmSync(lock, { force: true });
    }
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Mount points at or below `path` in our mount namespace (/proc/self/mountinfo, octal escapes decoded). */
export function mountsUnder(path: string): string[] {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((line) => line.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((m) => m === path || m.startsWith(prefix));
}

/** Removes a rootfs only when nothing is mounted in it, and never beyond its file system. */
export async function removeRootfs(rootfs: string): Promise<void> {
  const mounts = mountsUnder(rootfs);
  if (mounts.length) throw new Failure(`not removing ${rootfs}: ${mounts.length} mount(s) inside, e.g. ${mounts[0]}; unmount them (umount -R) and run again`);
  await run(['rm', '-rf', '--one-file-system', '--', rootfs]);
}

/** The steps a run completed, in order, each with the fingerprint of what it ran. */
export interface RunState { readonly job: string; readonly completed: ReadonlyArray<{ readonly id: string; readonly fingerprint: string }> }

export const statePath = (stateDir: string, job: string) => join(stateDir, `${job.replace(/[^A-Za-z0-9._-]/g, '_')}.state.json`);

export function readState(path: string): RunState | undefined {
  try { return JSON.parse(readFileSync(path, 'utf8')) as RunState; } catch { return undefined; }
}

export const writeState = (path: string, s: RunState) => writeAtomic(path, `${JSON.stringify(s, null, 2)}\n`, 0o600);
