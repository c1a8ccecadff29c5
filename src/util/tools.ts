import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { Failure } from './errors.js';

/**
 * The PATH prefixkit finds the system tools it runs with (unshare, mount, mksquashfs, fchroot…):
 * its own PATH plus the sbin directories, which a user's PATH often lacks. Never a hook's PATH,
 * which a job option may have replaced.
 */
export function toolPath(): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);
  return [...new Set(dirs)].join(':');
}

/** The absolute path of a system tool, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  for (const dir of toolPath().split(':')) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export const isInstalled = (name: string): boolean => findTool(name) !== undefined;

/** findTool for a tool a check before the work has already required; `purpose` says what needs it. */
export function tool(name: string, purpose: string): string {
  const path = findTool(name);
  if (!path) throw new Failure(`${name} is not installed (needed ${purpose})`);
  return path;
}
