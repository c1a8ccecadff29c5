/**
 * Reading a sysext image back without mounting it: its entries (as `ls -l` would show them) and
 * the bytes of single files. One reader per file system format.
 */
export interface ImageEntry {
  /** Relative to the image root, no leading slash: `usr/lib/extension-release.d/extension-release.demo`. */
  readonly path: string;
  readonly type: 'dir' | 'file' | 'symlink' | 'other';
  /** Permission bits, including setuid/setgid/sticky. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
}

export interface ImageReader {
  readonly entries: readonly ImageEntry[];
  readText(path: string): Promise<string>;
  /** The first `bytes` bytes of a regular file (fewer when it is shorter). */
  readHead(path: string, bytes: number): Promise<Uint8Array>;
  /** Removes whatever the reader unpacked. */
  close(): Promise<void>;
}

/** `rwxr-sr-x` (the nine characters after the type letter) as mode bits. */
export function modeOfPerms(perms: string): number {
  let mode = 0;
  const bit = (i: number, v: number) => { if (perms[i] !== '-' && perms[i] !== 'S' && perms[i] !== 'T') mode |= v; };
  [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1].forEach((v, i) => bit(i, v));
  if (perms[2] === 's' || perms[2] === 'S') mode |= 0o4000;
  if (perms[5] === 's' || perms[5] === 'S') mode |= 0o2000;
  if (perms[8] === 't' || perms[8] === 'T') mode |= 0o1000;
  return mode;
}
