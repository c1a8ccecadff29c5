/**
 * A tiny real root file system for metro tests: busybox-static with its applet links, device
 * nodes, a FIFO, a hard link, a setuid file, a user xattr and an ACL, odd numeric owners and an
 * old mtime. Needs root (mknod, chown). Tarballs are made with the real GNU tar and compressors.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressorArgv, type Compression } from '../../src/metro/compression.js';

export const BUSYBOX = '/bin/busybox';
/** Applets linked in bin/: enough for hooks to run shell scripts in the chroot. */
const APPLETS = ['sh', 'ls', 'cat', 'echo', 'mkdir', 'touch', 'mount', 'grep', 'id', 'env', 'test', 'stat', 'rm', 'cp', 'uname', 'sleep', 'true', 'false', 'readlink', 'wc', 'head', 'sed', 'awk'];
/** A fixed old mtime the tests can look for after extraction and packing. */
export const OLD_MTIME = new Date('2020-02-02T02:02:02Z');

export function makeBusyboxRootfs(root: string): void {
  for (const d of ['bin', 'dev', 'etc', 'proc', 'sys', 'tmp', 'var/tmp', 'usr/bin', 'root', 'srv']) mkdirSync(join(root, d), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
  execFileSync('mknod', ['-m', '0666', join(root, 'dev/null'), 'c', '1', '3']);
  execFileSync('mknod', ['-m', '0600', join(root, 'dev/console'), 'c', '5', '1']);
  execFileSync('mknod', ['-m', '0660', join(root, 'dev/loop7'), 'b', '7', '7']);
  chownSync(join(root, 'dev/loop7'), 0, 6);
  execFileSync('mkfifo', ['-m', '0620', join(root, 'var/tmp/fifo')]);
  writeFileSync(join(root, 'etc/os-release'), 'ID=busybox\nNAME="BusyBox test rootfs"\n');
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nportage:x:250:250::/var/tmp:/bin/false\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nportage:x:250:\n');
  writeFileSync(join(root, 'srv/data'), 'owned by 250:250\n');
  chownSync(join(root, 'srv/data'), 250, 250);
  linkSync(join(root, 'srv/data'), join(root, 'srv/data.hardlink'));
  writeFileSync(join(root, 'usr/bin/suid'), '#!/bin/sh\necho suid\n');
  chmodSync(join(root, 'usr/bin/suid'), 0o4755);
  execFileSync('setfattr', ['-n', 'user.prefixkit', '-v', 'kept', join(root, 'srv/data')]);
  execFileSync('setfacl', ['-m', 'u:250:rwx', join(root, 'srv')]);
  utimesSync(join(root, 'etc/os-release'), OLD_MTIME, OLD_MTIME);
}

/** Packs `root` (entries `.`, `./bin`, …) into `out`, compressed with `c`, as a stage tarball would be. */
export function makeTarball(root: string, out: string, c: Compression): void {
  const tar = ['tar', '-C', root, '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '-cf', '-', '.'];
  const z = compressorArgv(c);
  const sh = (argv: string[]) => argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  execFileSync('bash', ['-o', 'pipefail', '-c', `${sh(tar)}${z ? ` | ${sh(z)}` : ''} > ${sh([out])}`]);
}
