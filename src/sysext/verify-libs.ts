/**
 * Where the dynamic loader of a prefix looks for a DT_NEEDED library, modelled on glibc's ld.so:
 * the object's RUNPATH (or RPATH) with $ORIGIN, $LIB and $PLATFORM expanded, then the prefix's
 * ld.so.conf directories and its default directories. A candidate counts only when it resolves
 * inside the prefix and is an ELF file of the same class, byte order and machine (ld.so skips
 * others, such as a 32-bit libfoo.so.1 or a linker script).
 */
import { open, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { elfIdent, ELF_IDENT_BYTES, type ElfIdent } from '../elf/ident.js';
import { isInside, TargetRoot } from './verify-root.js';

/** The default directories of a prefix glibc, and those of a host, relative to their root. */
const LIB_DIRS = ['/lib64', '/lib', '/usr/lib64', '/usr/lib'];

/** Debian multiarch triplets, so "would come from" messages can name e.g. /lib/x86_64-linux-gnu. */
const TRIPLETS: Readonly<Record<number, string>> = {
  62: 'x86_64-linux-gnu', 3: 'i386-linux-gnu', 183: 'aarch64-linux-gnu', 40: 'arm-linux-gnueabihf',
  243: 'riscv64-linux-gnu', 21: 'powerpc64le-linux-gnu', 22: 's390x-linux-gnu',
};

/** AT_PLATFORM as glibc reports it, for $PLATFORM. */
const PLATFORMS: Readonly<Record<number, string>> = { 62: 'x86_64', 3: 'i686', 183: 'aarch64', 243: 'riscv64', 21: 'powerpc64le', 22: 's390x' };

/**
 * One RUNPATH/RPATH entry with its dynamic string tokens expanded. $LIB is lib64 for 64-bit
 * objects and lib for 32-bit ones, the layout of a Gentoo multilib prefix.
 */
export function expandDst(entry: string, origin: string, e: ElfIdent): string {
  return entry.replace(/\$(?:\{(ORIGIN|LIB|PLATFORM)\}|(ORIGIN|LIB|PLATFORM)(?![A-Za-z0-9_]))/g, (whole, braced?: string, bare?: string) => {
    const token = braced ?? bare;
    if (token === 'ORIGIN') return origin;
    if (token === 'LIB') return e.bits === 64 ? 'lib64' : 'lib';
    return PLATFORMS[e.machine] ?? whole;
  });
}

/**
 * The prefix's ld.so.conf directories (includes followed; a relative include is relative to the
 * including file, as ldconfig does) and then its default directories, as target paths.
 */
export async function prefixLibraryDirs(root: TargetRoot, eprefix: string): Promise<string[]> {
  const dirs: string[] = [];
  await readLdSoConf(root, `${eprefix}/etc/ld.so.conf`, dirs, new Set());
  for (const d of LIB_DIRS) dirs.push(eprefix + d);
  return [...new Set(dirs.map((d) => posix.normalize(d)))];
}

async function readLdSoConf(root: TargetRoot, file: string, dirs: string[], seen: Set<string>): Promise<void> {
  const real = await root.resolve(file);
  if (!real.stat?.isFile() || seen.has(real.path)) return;
  seen.add(real.path);
  const text = await readFile(root.host(real.path), 'utf8');
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line || line.startsWith('hwcap ')) continue;
    const include = /^include\s+(.*)$/.exec(line);
    if (!include) { dirs.push(...line.split(/[:\s,]+/).filter((d) => d.startsWith('/'))); continue; }
    for (const pattern of include[1]!.split(/\s+/)) {
      const abs = pattern.startsWith('/') ? pattern : posix.join(posix.dirname(file), pattern);
      for (const f of await root.glob(abs)) await readLdSoConf(root, f, dirs, seen);
    }
  }
}

/** Where a library was found: in the prefix, or else where it would come from (in the root, or on the build host). */
export interface Lookup {
  readonly found?: string;
  readonly outside?: string;
  readonly onHost?: string;
}

export class LibraryFinder {
  private readonly idents = new Map<string, Promise<ElfIdent | undefined>>();
  private readonly host = new TargetRoot('');

  constructor(private readonly root: TargetRoot, private readonly eprefix: string) {}

  /**
   * Looks `name` up in `dirs` (those inside the prefix count), and when it is not there, in the
   * root's and then the host's system directories and `elsewhere`, to say where it would come from.
   */
  async find(name: string, dirs: readonly string[], e: ElfIdent, elsewhere: readonly string[]): Promise<Lookup> {
    for (const d of dirs) {
      if (!isInside(d, this.eprefix)) continue;
      const hit = await this.candidate(this.root, `${d}/${name}`, e);
      if (hit && isInside(hit, this.eprefix)) return { found: `${d}/${name}` };
    }
    const triplet = TRIPLETS[e.machine];
    const system = [...(triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : []), ...LIB_DIRS];
    for (const d of [...elsewhere, ...system]) {
      const hit = await this.candidate(this.root, `${d}/${name}`, e);
      if (hit) return { outside: `${d}/${name}` };
    }
    for (const d of system) {
      const hit = await this.candidate(this.host, `${d}/${name}`, e);
      if (hit) return { onHost: `${d}/${name}` };
    }
    return {};
  }

  /** The resolved path of `path` when it is a loadable companion of an object with ident `e`. */
  private async candidate(root: TargetRoot, path: string, e: ElfIdent): Promise<string | undefined> {
    const real = await root.resolve(path);
    if (!real.stat?.isFile()) return undefined;
    const key = root.host(real.path);
    let id = this.idents.get(key);
    if (!id) this.idents.set(key, (id = readIdent(key)));
    const c = await id;
    return c && c.bits === e.bits && c.littleEndian === e.littleEndian && c.machine === e.machine ? real.path : undefined;
  }
}

async function readIdent(file: string): Promise<ElfIdent | undefined> {
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const b = Buffer.alloc(ELF_IDENT_BYTES);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    return elfIdent(b.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
