/**
 * Can this host run the rootfs's programs? Compares the ELF identity (e_machine, class, byte
 * order) of the chroot's entrypoint with prefixkit's own, and for a foreign one looks for the
 * binfmt_misc handler the kernel would use, matching its magic and mask as the kernel does.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { elfIdent, type ElfIdent } from '../../elf/ident.js';
import { UsageError } from '../../util/errors.js';
import { findInRoot, inRootfs, resolveInRoot, type HostOf } from './rootpath.js';
import { readTextOr } from '../../util/fs.js';

export type Executor = 'builtin' | 'fchroot';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export interface ArchCheck {
  /** The program inside the rootfs whose architecture counts (default /bin/sh, which every stage has). */
  readonly program?: string;
  readonly pathEnv?: string;
  readonly executor?: Executor;
  readonly binfmtDir?: string;
}

/**
 * Throws a UsageError when the rootfs's programs are for an architecture this host cannot run:
 * a foreign one needs a registered binfmt_misc handler (qemu-user-static), and the builtin
 * executor needs its F flag. Says nothing when the program is missing or not ELF.
 */
export function checkChrootArch(rootfs: string, o: ArchCheck = {}): void {
  const program = o.program ?? '/bin/sh';
  const found = findInRoot(program, o.pathEnv, inRootfs(rootfs));
  if (found) checkProgramArch(rootfs, program, found.inside, inRootfs(rootfs), o.executor ?? 'builtin', o.binfmtDir ?? BINFMT_DIR);
}

/** checkChrootArch for a program already found (at `inside`, through `hostOf`). */
export function checkProgramArch(rootfs: string, program: string, inside: string, hostOf: HostOf, executor: Executor, binfmtDir: string): void {
  const elf = elfBehindScripts(inside, hostOf);
  const host = elfIdent(readHead('/proc/self/exe'));
  if (!elf || !host || runsNatively(host, elf.id)) return;
  const arch = archName(elf.id);
  const handler = binfmtHandler(elf.head, binfmtDir);
  if (!handler) {
    throw new UsageError(`rootfs ${rootfs} is for ${arch} (${program} is ${elf.inside}) and this host is ${archName(host)}, but no binfmt_misc handler runs ${arch} programs: install qemu-user-static and binfmt-support (apt-get install qemu-user-static binfmt-support)`);
  }
  if (executor === 'builtin' && !handler.flags.includes('F')) {
    throw new UsageError(`the binfmt_misc handler ${handler.name} for ${arch} lacks the F flag, so the chroot would need ${handler.interpreter} inside it: register it with F (Debian's qemu-user-static does), or use the fchroot executor`);
  }
}

type ElfId = ElfIdent;

/** e_machine, class and byte order of the Linux architectures qemu-user emulates, named as qemu names them. */
const ARCHES: ReadonlyArray<readonly [name: string, machine: number, bits: 32 | 64, bigEndian: boolean]> = [
  ['x86_64', 62, 64, false], ['i386', 3, 32, false],
  ['aarch64', 183, 64, false], ['aarch64_be', 183, 64, true], ['arm', 40, 32, false], ['armeb', 40, 32, true],
  ['ppc64le', 21, 64, false], ['ppc64', 21, 64, true], ['ppc', 20, 32, true],
  ['riscv64', 243, 64, false], ['riscv32', 243, 32, false], ['s390x', 22, 64, true],
  ['mips64el', 8, 64, false], ['mips64', 8, 64, true], ['mipsel', 8, 32, false], ['mips', 8, 32, true],
  ['sparc64', 43, 64, true], ['sparc', 2, 32, true], ['loongarch64', 258, 64, false],
  ['alpha', 0x9026, 64, false], ['m68k', 4, 32, true], ['hppa', 15, 32, true], ['sh4', 42, 32, false],
];

/** 32-bit programs a 64-bit kernel usually runs itself (IA32 emulation, AArch32 compat). */
const ALSO_NATIVE: Readonly<Record<string, readonly string[]>> = { x86_64: ['i386'], aarch64: ['arm'] };

function runsNatively(host: ElfId, id: ElfId): boolean {
  const [h, p] = [archName(host), archName(id)];
  return h === p || (ALSO_NATIVE[h] ?? []).includes(p);
}

function archName(id: ElfId): string {
  const a = ARCHES.find(([, m, bits, be]) => m === id.machine && bits === id.bits && be === !id.littleEndian);
  return a ? a[0] : `ELF machine ${id.machine} (${id.bits}-bit ${id.littleEndian ? 'little' : 'big'}-endian)`;
}

/** The ELF header of `inside`, following `#!` interpreters (a script's architecture is its interpreter's). */
function elfBehindScripts(inside: string, hostOf: HostOf): { inside: string; head: Buffer; id: ElfId } | undefined {
  for (let depth = 0; depth < 4; depth++) {
    const head = readHead(hostOf(inside));
    const id = elfIdent(head);
    if (id) return { inside, head, id };
    const interpreter = /^#!\s*(\S+)/.exec(head.toString('latin1'))?.[1];
    if (!interpreter) return undefined;
    const r = resolveInRoot(interpreter, hostOf);
    if (r.missing > 0) return undefined;
    inside = r.inside;
  }
  return undefined;
}


/** binfmt_misc magics look at most 128 bytes into the file (BINPRM_BUF_SIZE before Linux 5.1). */
function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(256);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

interface Handler { readonly name: string; readonly interpreter: string; readonly flags: string }

/** The enabled magic handler that matches `head`, as /proc/sys/fs/binfmt_misc/<name> describes it. */
function binfmtHandler(head: Buffer, dir: string): Handler | undefined {
  if (readTextOr(join(dir, 'status')).trim() !== 'enabled') return undefined;
  for (const name of readdirSync(dir).sort()) {
    if (name === 'status' || name === 'register') continue;
    const lines = readTextOr(join(dir, name)).split('\n');
    if (lines[0] !== 'enabled') continue;
    const field = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1).trim();
    const magic = Buffer.from(field('magic') ?? '', 'hex');
    if (magic.length === 0) continue; // an extension handler
    const mask = Buffer.from(field('mask') ?? 'ff'.repeat(magic.length), 'hex');
    const offset = Number(field('offset') ?? 0);
    const matches = magic.every((byte, i) => offset + i < head.length && (head[offset + i]! & (mask[i] ?? 0xff)) === (byte & (mask[i] ?? 0xff)));
    if (matches) return { name, interpreter: field('interpreter') ?? '?', flags: field('flags:') ?? '' };
  }
  return undefined;
}
