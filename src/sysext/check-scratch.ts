import { constants, existsSync, rmdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Where scratch roots are made: `<tmp>/pk-sysext-check-XXXXXX`. */
export const SCRATCH_PREFIX = 'pk-sysext-check-';

export interface ScratchRoot {
  /** The directory systemd-sysext gets as --root. */
  readonly root: string;
  remove(): Promise<void>;
}

/**
 * A root that holds only what systemd-sysext reads (reference sysext.md §3.3): the target's
 * os-release in both places systemd looks, empty /usr and /opt to merge onto, and a COPY of the
 * image in var/lib/extensions (systemd 252 ignores symlinks there when given --root).
 */
export async function makeScratchRoot(image: string, osRelease: string): Promise<ScratchRoot> {
  const dir = await mkdtemp(join(tmpdir(), SCRATCH_PREFIX));
  const root = join(dir, 'root');
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    for (const d of ['usr/lib', 'etc', 'opt', 'var/lib/extensions']) await mkdir(join(root, d), { recursive: true });
    await writeFile(join(root, 'usr/lib/os-release'), osRelease);
    await writeFile(join(root, 'etc/os-release'), osRelease);
    await copyFile(image, join(root, 'var/lib/extensions', basename(image)), constants.COPYFILE_FICLONE);
    return { root, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}

/**
 * Directories systemd-sysext leaves behind in the host's /run (the scratch namespace shares it):
 * empty, but ours only if they were absent before. Deepest first.
 */
const RUN_LEFTOVERS = ['/run/systemd/nspawn/locks', '/run/systemd/nspawn', '/run/systemd/sysext', '/run/systemd'];

/** Notes which leftovers are absent now; the returned function removes those that appeared, if still empty. */
export function noteRunLeftovers(): () => void {
  const absent = RUN_LEFTOVERS.filter((p) => !existsSync(p));
  return () => {
    for (const p of absent) {
      try {
        rmdirSync(p);
      } catch {
        // never created, or someone else put something in it: not ours to remove
      }
    }
  };
}
