/**
 * Staging: the image tool reads a read-only overlay of two lower layers, a small "release" layer
 * (the release file and the directories leading to it) over the user's tree, so the release file
 * reaches the image without ever being written into the tree (bake.sh wrote it there).
 *
 * The overlay has no upper layer, so overlayfs writes nothing (no trusted.overlay.* xattrs, no
 * work dir). A layer directory shadows the tree's directory of the same path, taking its mode from
 * the layer: the plan copies each such mode from the tree. The mounts exist only in a private mount
 * namespace that ends with the tool, so a crash or Ctrl-C leaves no mount behind. Overlay paths are
 * relative to the stage directory, so no path needs escaping in the mount options.
 */
import { chmod, mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerDir } from './bake-validate.js';

/** The layers and mount points inside the stage directory. */
const RELEASE = 'release';
const LOWER = 'lower';
export const MERGED = 'merged';

// Fixed script, user data only in "$@": mount the tree, stack the layer on it, become the tool.
const SCRIPT = `"$1" --bind -- "$2" ${LOWER}; "$1" -t overlay overlay -o ro,lowerdir=${RELEASE}:${LOWER} ${MERGED}; shift 2; exec "$@"`;

/**
 * The command that runs `tool` (reading ./merged) in a private mount namespace; run it in the stage
 * directory. Without root, a user namespace maps the caller to root (overlay mounts need it).
 */
export function stagedArgv(unshare: string, mount: string, input: string, tool: readonly string[], asRoot: boolean): string[] {
  return [unshare, '--mount', ...(asRoot ? [] : ['--map-root-user']), '--propagation', 'private', '--', 'sh', '-euc', SCRIPT, 'sh', mount, input, ...tool];
}

/** Creates the stage directory: mount points and the release layer with fixed modes (no umask). */
export async function makeStage(dir: string, layer: readonly LayerDir[], releasePath: string, releaseText: string): Promise<void> {
  await mkdir(dir, { mode: 0o700 });
  for (const sub of [LOWER, MERGED]) await mkdir(join(dir, sub));
  const top = join(dir, RELEASE);
  await mkdir(join(top, releasePath, '..'), { recursive: true });
  for (const d of layer) await chmod(join(top, d.path), d.mode);
  await writeFile(join(top, releasePath), releaseText);
  await chmod(join(top, releasePath), 0o644);
}

/**
 * Removes the stage directory. The mount points are removed with rmdir, which refuses a non-empty
 * directory: were the tree somehow still mounted there, it would be left alone, never deleted.
 */
export async function removeStage(dir: string): Promise<void> {
  await rm(join(dir, RELEASE), { recursive: true, force: true });
  for (const sub of [LOWER, MERGED, '.']) await rmdir(join(dir, sub)).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
}
