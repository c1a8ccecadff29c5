/**
 * A real, tiny prefix for the sysext and verify tests: a C program compiled with the host gcc
 * for EPREFIX (dynamic linker and RUNPATH inside it), and the host's glibc and loader copied into
 * EPREFIX/lib64, libc.so.6 re-pointed with patchelf at the prefix's loader as a prefix glibc
 * would be. Running `EPREFIX/usr/bin/hello` in a root that has only this /usr prints GREETING.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PKDEMO = '/usr/local/pkdemo';
export const GREETING = 'hello from pkdemo';

/** The host's loader and libc (x86_64 or aarch64 Debian). */
export function hostLoader(): { loader: string; libc: string } {
  const arch = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
  return arch === 'aarch64'
    ? { loader: 'ld-linux-aarch64.so.1', libc: '/lib/aarch64-linux-gnu/libc.so.6' }
    : { loader: 'ld-linux-x86-64.so.2', libc: '/lib/x86_64-linux-gnu/libc.so.6' };
}

/** Builds the prefix under `root` (root + eprefix) and returns the paths of its parts. */
export function makeTinyPrefix(root: string, eprefix = PKDEMO): { hello: string; libc: string; loader: string } {
  const p = join(root, eprefix);
  const { loader, libc } = hostLoader();
  mkdirSync(join(p, 'usr/bin'), { recursive: true });
  mkdirSync(join(p, 'lib64'), { recursive: true });
  const src = join(tmpdir(), `pkdemo-${process.pid}.c`);
  writeFileSync(src, `#include <stdio.h>\nint main(void) { puts("${GREETING}"); return 0; }\n`);
  const hello = join(p, 'usr/bin/hello');
  execFileSync('gcc', ['-O2', '-o', hello, src, `-Wl,--dynamic-linker=${eprefix}/lib64/${loader}`, `-Wl,-rpath,${eprefix}/lib64`, '-Wl,--enable-new-dtags']);
  const prefixLibc = join(p, 'lib64/libc.so.6');
  const prefixLoader = join(p, 'lib64', loader);
  copyFileSync(realpathSync(libc), prefixLibc);
  copyFileSync(realpathSync(`/lib64/${loader}`), prefixLoader);
  chmodSync(prefixLibc, 0o755);
  chmodSync(prefixLoader, 0o755);
  execFileSync('patchelf', ['--set-interpreter', `${eprefix}/lib64/${loader}`, prefixLibc]);
  return { hello, libc: prefixLibc, loader: prefixLoader };
}
