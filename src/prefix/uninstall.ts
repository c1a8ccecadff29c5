import { existsSync } from 'node:fs';
import { copyFile, rename, rm, rmdir, symlink, chmod, lstat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Failure } from '../util/errors.js';
import { pathState } from '../util/fs.js';
import type { Log } from '../util/log.js';
import { executePlan, type Action, type Plan } from '../util/plan.js';
import { stateDirFor } from './config.js';
import { listManifests, sharedChange, type HostChange, type Manifest } from './manifest.js';

/** Removes a prefix: exactly what its manifest records, and puts back every host file it changed. */
export async function uninstallPrefix(m: Manifest, log: Log): Promise<void> {
  await executePlan(planUninstall(m, await otherPrefixes(m)), log);
}

/** The other prefixes of the same scripts root: host paths they still use are left as they are. */
export async function otherPrefixes(m: Pick<Manifest, 'scriptsRoot' | 'name' | 'board'>): Promise<Manifest[]> {
  return (await listManifests(m.scriptsRoot)).filter((o) => o.name !== m.name || o.board !== m.board);
}

export function planUninstall(m: Manifest, others: readonly Manifest[]): Plan {
  const stateDir = stateDirFor(m.scriptsRoot, m.board, m.name);
  const restore = (h: HostChange): Action => {
    const user = sharedChange(others, h.path)?.owner;
    return user ? { kind: 'task', describe: `keep ${h.path}: prefix ${user.name} (${user.board}) still uses it`, run: async () => {} } : restoreAction(h, stateDir);
  };
  return {
    title: `remove prefix ${m.name} (${m.board}, EPREFIX ${m.eprefix})`,
    steps: [
      { name: 'restore-host', title: 'Restoring the host files the prefix changed', actions: [...m.host].reverse().map(restore) },
      { name: 'remove-wrappers', title: `Removing the wrappers from ${m.wrapperDir}`, actions: m.wrappers.map(removeFileAction) },
      {
        name: 'remove-directories', title: 'Removing the staging and final directories',
        // GNU rm with --one-file-system never descends into a mount (a bind-mounted distfiles dir stays).
        actions: [
          ...m.trees.filter((t) => existsSync(t)).map((t): Action => ({ kind: 'run', argv: ['rm', '-rf', '--one-file-system', '--', t], label: 'rm' })),
          { kind: 'run', argv: ['rm', '-rf', '--one-file-system', '--', stateDir], label: 'rm' },
          ...m.dirs.map(removeEmptyDirAction),
        ],
      },
    ],
  };
}

function restoreAction(h: HostChange, stateDir: string): Action {
  const { path, before } = h;
  switch (before.type) {
    case 'absent': return {
      kind: 'task', describe: `remove ${path} (prefixkit created it)`,
      run: async () => {
        const now = await pathState(path);
        if (now.type === 'dir') await rmdir(path).catch(ignore('ENOTEMPTY'));
        else if (now.type !== 'absent') await rm(path);
      },
    };
    case 'file': return {
      kind: 'task', describe: `restore ${path} from ${join(stateDir, h.backup!)}`,
      run: async () => {
        const tmp = join(dirname(path), `.${basename(path)}.prefixkit-restore`);
        await copyFile(join(stateDir, h.backup!), tmp);
        await chmod(tmp, before.mode);
        await replace(tmp, path);
      },
    };
    case 'symlink': return {
      kind: 'task', describe: `restore ${path} -> ${before.target}`,
      run: async () => {
        const tmp = join(dirname(path), `.${basename(path)}.prefixkit-restore`);
        await rm(tmp, { force: true });
        await symlink(before.target, tmp);
        await replace(tmp, path);
      },
    };
    case 'dir': return { kind: 'task', describe: `keep ${path} (it existed before)`, run: async () => {} };
    case 'other': throw new Failure(`manifest records ${path} as a special file: it cannot be restored`);
  }
}

/** rename() cannot replace a directory that appeared meanwhile: that is reported, not deleted. */
async function replace(tmp: string, path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st?.isDirectory()) throw new Failure(`${path} is now a directory: restore it by hand from ${tmp}`);
  await rename(tmp, path);
}

const removeFileAction = (path: string): Action => ({
  kind: 'task', describe: `rm ${path}`,
  run: async () => { if ((await pathState(path)).type !== 'dir') await rm(path, { force: true }); },
});

const removeEmptyDirAction = (path: string): Action => ({
  kind: 'task', describe: `rmdir ${path} (if empty)`,
  run: () => rmdir(path).catch(ignore('ENOTEMPTY', 'ENOENT', 'EEXIST')),
});

const ignore = (...codes: string[]) => (e: NodeJS.ErrnoException): void => {
  if (!codes.includes(e.code ?? '')) throw e;
};
