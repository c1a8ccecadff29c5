/**
 * The fchroot executor: Gentoo's fchroot, called as mark-devkit calls it, but with the binds in the
 * order written, and inside a private mount namespace, so that its rbinds of /proc, /sys and /dev
 * vanish even when it is killed before its lazy unmount.
 */
import { lstatSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import type { BindMount } from './binds.js';
import { chrootTool } from './check.js';

export interface FchrootOptions {
  readonly debug: boolean;
  readonly cpu?: string;
}

/** `unshare … fchroot -v [--debug] --preserve-env [--cpu=X] [--bind=src:dst …] <rootfs> entrypoint… command`. */
export function fchrootArgv(rootfs: string, binds: readonly BindMount[], o: FchrootOptions, entrypoint: readonly string[], command: string): string[] {
  return [
    chrootTool('unshare'), '--mount', '--propagation', 'private', '--',
    chrootTool('fchroot'), '-v', ...(o.debug ? ['--debug'] : []), '--preserve-env', ...(o.cpu ? [`--cpu=${o.cpu}`] : []),
    ...binds.map((b) => `--bind=${b.source}:${b.target}`),
    rootfs, ...entrypoint, command,
  ];
}

/**
 * fchroot copies the host's resolv.conf into the rootfs on every call; this puts the rootfs's own
 * back afterwards (or removes the copy), so the stage does not ship the build host's DNS settings.
 * Returns the function that restores it. Only a plain file in a plain /etc is handled: fchroot
 * writes through symlinks, and we do not follow it there.
 */
export function keepResolvConf(rootfs: string): () => void {
  const etc = lstatSync(`${rootfs}/etc`, { throwIfNoEntry: false });
  if (!etc?.isDirectory()) return () => {};
  const path = `${rootfs}/etc/resolv.conf`;
  const before = lstatSync(path, { throwIfNoEntry: false });
  if (before && !before.isFile()) return () => {};
  const content = before ? readFileSync(path) : undefined;
  return () => {
    // Only fchroot's copy is undone: a resolv.conf the hook itself wrote stays.
    const host = readOr('/etc/resolv.conf');
    if (!host || !lstatSync(path, { throwIfNoEntry: false })?.isFile() || !readFileSync(path).equals(host)) return;
    if (content === undefined) unlinkSync(path);
    else writeFileSync(path, content);
  };
}

function readOr(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
