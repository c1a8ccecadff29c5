import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync, chmodSync, chownSync, closeSync, copyFileSync, lutimesSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync,
  statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real Gentoo binary packages of a fake GCC, made with the real tar and compressors, as Portage lays
 * them out in PKGDIR. The image holds GCC's run-time libraries beside things that must never be
 * taken for them (the compiler, objects, headers, plugin and multilib libraries, gdb scripts).
 * Building needs root: one library belongs to uid 123, gid 456.
 */

export type BinpkgFormat = 'xpak' | 'gpkg';
export type PkgdirLayout = 'flat' | 'multi-instance';
export type Compression = 'bzip2' | 'gzip' | 'xz' | 'zstd' | 'lz4' | 'none';

export interface GccBinpkgOptions {
  /** category/PF, e.g. sys-devel/gcc-13.3.1_p20240614; the GCC directory is named after its major version. */
  readonly cpv: string;
  readonly eprefix: string;
  readonly chost?: string;
  /** Default gpkg. */
  readonly format?: BinpkgFormat;
  /** Default multi-instance (Portage's default). */
  readonly layout?: PkgdirLayout;
  /** For multi-instance; default 1. */
  readonly buildId?: number;
  /** Default: Portage's, bzip2 for xpak and zstd for gpkg. */
  readonly compression?: Compression;
  /** Written into every library, to tell packages apart. */
  readonly marker?: string;
  /** Added to the image tarball as they are, e.g. hostile names like `image/../../evil`. */
  readonly extraMembers?: readonly ExtraMember[];
}

export interface ExtraMember {
  readonly name: string;
  readonly content?: string;
  readonly symlinkTo?: string;
}

/** What one extracted library must look like, its path relative to the final root. */
export interface ExpectedLib {
  readonly path: string;
  readonly type: 'file' | 'symlink';
  readonly content?: string;
  readonly target?: string;
  readonly mode?: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
}

/** Every file in the image (libraries and the rest) has this mtime, in seconds. */
export const GCC_MTIME = Date.UTC(2024, 5, 14) / 1000;
const DEFAULT_CHOST = 'x86_64-cros-linux-gnu';

interface Lib { readonly name: string; readonly target?: string; readonly mode?: number; readonly uid?: number; readonly gid?: number }
const LIBS: readonly Lib[] = [
  { name: 'libgcc_s.so', mode: 0o644 }, // a linker script in real life
  { name: 'libgcc_s.so.1', mode: 0o644 },
  { name: 'libgomp.so', target: 'libgomp.so.1.0.0' },
  { name: 'libgomp.so.1', target: 'libgomp.so.1.0.0' },
  { name: 'libgomp.so.1.0.0', mode: 0o755, uid: 123, gid: 456 },
  { name: 'libstdc++.so', target: 'libstdc++.so.6.0.32' },
  { name: 'libstdc++.so.6', target: 'libstdc++.so.6.0.32' },
  { name: 'libstdc++.so.6.0.32', mode: 0o755 },
];
const libContent = (name: string, marker: string) => `\x7fELF fake ${name} (${marker})\n`;

/** The names extractGccLibs puts into <final root><EPREFIX>/usr/lib64, sorted. */
export const gccLibFiles = (): string[] => LIBS.map((l) => l.name).sort();

export function expectedGccLibs(o: { eprefix: string; marker?: string }): ExpectedLib[] {
  const lib64 = join(o.eprefix, 'usr/lib64').replace(/^\/+/, '');
  return LIBS.map((l) => ({
    path: `${lib64}/${l.name}`,
    type: l.target ? 'symlink' as const : 'file' as const,
    ...(l.target ? { target: l.target } : { content: libContent(l.name, o.marker ?? 'gcc'), mode: l.mode }),
    uid: l.uid ?? 0, gid: l.gid ?? 0, mtime: GCC_MTIME,
  })).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** A fresh PKGDIR under `base` holding one GCC package; returns the PKGDIR. */
export function makeGccBinpkg(base: string, o: GccBinpkgOptions): string {
  const pkgdir = mkdtempSync(join(base, 'pkgdir-'));
  if ((o.format ?? 'gpkg') === 'gpkg') makeGpkgBinpkg(pkgdir, o);
  else makeXpakBinpkg(pkgdir, o);
  return pkgdir;
}

/** An xpak package (`<cat>/<pf>.tbz2` or `<cat>/<pn>/<pf>-<id>.xpak`): tarball + xpak segment + trailer. Returns its path. */
export function makeXpakBinpkg(pkgdir: string, o: GccBinpkgOptions): string {
  const p = describe(o);
  const dest = p.layout === 'flat' ? join(pkgdir, p.category, `${p.pf}.tbz2`) : join(pkgdir, p.category, p.pn, `${p.pf}-${p.buildId}.xpak`);
  withScratch((work) => {
    writeFakeGcc(join(work, 'image'), o);
    // Portage packs ${D} as `tar -cf - -C "${D}" .`: every name starts with ./
    tool('tar', ['-c', '-f', join(work, 'image.tar'), '--format=gnu', '--numeric-owner', '-C', join(work, 'image'), '.']);
    appendMembers(join(work, 'image.tar'), o.extraMembers ?? [], 'gnu', work);
    compress(join(work, 'image.tar'), dest, o.compression ?? 'bzip2');
    const segment = xpakSegment(metadata(p, o));
    appendFileSync(dest, Buffer.concat([segment, u32(segment.length), Buffer.from('STOP')]));
  });
  return dest;
}

/** A GLEP 78 package (`<cat>/<pf>.gpkg.tar` or `<cat>/<pn>/<pf>-<id>.gpkg.tar`). Returns its path. */
export function makeGpkgBinpkg(pkgdir: string, o: GccBinpkgOptions): string {
  const p = describe(o);
  const basename = p.layout === 'flat' ? p.pf : `${p.pf}-${p.buildId}`;
  const dest = join(pkgdir, p.category, p.layout === 'flat' ? `${p.pf}.gpkg.tar` : `${p.pn}/${basename}.gpkg.tar`);
  const compression = o.compression ?? 'zstd';
  const ext = { none: '', bzip2: '.bz2', gzip: '.gz', xz: '.xz', zstd: '.zst', lz4: '.lz4' }[compression];
  withScratch((work) => {
    const box = join(work, 'container', basename);
    mkdirSync(box, { recursive: true });
    writeFileSync(join(box, 'gpkg-1'), '');
    const meta = join(work, 'metadata');
    mkdirSync(meta);
    for (const [key, value] of Object.entries(metadata(p, o))) writeFileSync(join(meta, key), value);
    tool('tar', ['-c', '-f', join(work, 'metadata.tar'), '--format=ustar', '-C', work, 'metadata']);
    compress(join(work, 'metadata.tar'), join(box, `metadata.tar${ext}`), compression);
    writeFakeGcc(join(work, 'image'), o);
    tool('tar', ['-c', '-f', join(work, 'image.tar'), '--format=ustar', '--numeric-owner', '-C', work, 'image']);
    appendMembers(join(work, 'image.tar'), o.extraMembers ?? [], 'ustar', work);
    compress(join(work, 'image.tar'), join(box, `image.tar${ext}`), compression);
    const data = ['gpkg-1', `metadata.tar${ext}`, `image.tar${ext}`];
    writeFileSync(join(box, 'Manifest'), data.map((f) => manifestLine(join(box, f))).join(''));
    mkdirSync(dirname(dest), { recursive: true });
    tool('tar', ['-c', '-f', dest, '--format=ustar', '-C', join(work, 'container'), ...[...data, 'Manifest'].map((f) => `${basename}/${f}`)]);
  });
  return dest;
}

/** An xpak segment: "XPAKPACK", index length, data length, index, data, "XPAKSTOP" (keys sorted, as Portage writes them). */
export function xpakSegment(entries: Readonly<Record<string, string>>): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let offset = 0;
  for (const key of Object.keys(entries).sort()) {
    const name = Buffer.from(key);
    const value = Buffer.from(entries[key]!);
    index.push(u32(name.length), name, u32(offset), u32(value.length));
    data.push(value);
    offset += value.length;
  }
  const i = Buffer.concat(index);
  const d = Buffer.concat(data);
  return Buffer.concat([Buffer.from('XPAKPACK'), u32(i.length), u32(d.length), i, d, Buffer.from('XPAKSTOP')]);
}

// ---------------------------------------------------------------- helpers

interface Described { category: string; pn: string; pf: string; slot: string; chost: string; layout: PkgdirLayout; buildId: number }

function describe(o: GccBinpkgOptions): Described {
  const m = /^([^/]+)\/(.+?)-(\d+)((?:\.\d+)*[a-z]?(?:_[a-z]+\d*)*(?:-r\d+)?)$/.exec(o.cpv);
  if (!m) throw new Error(`test cpv ${o.cpv} is not category/pn-version`);
  return { category: m[1]!, pn: m[2]!, pf: `${m[2]}-${m[3]}${m[4]}`, slot: m[3]!, chost: o.chost ?? DEFAULT_CHOST, layout: o.layout ?? 'multi-instance', buildId: o.buildId ?? 1 };
}

function metadata(p: Described, o: GccBinpkgOptions): Record<string, string> {
  return {
    CATEGORY: `${p.category}\n`, PF: `${p.pf}\n`, SLOT: `${p.slot}\n`, CHOST: `${p.chost}\n`, EPREFIX: `${o.eprefix}\n`,
    ...(p.layout === 'multi-instance' ? { BUILD_ID: `${p.buildId}\n` } : {}),
  };
}

/** The fake GCC install image (${D}): libraries with exact modes, owners and mtimes, and decoys. */
function writeFakeGcc(image: string, o: GccBinpkgOptions): void {
  const p = describe(o);
  const ep = join(image, o.eprefix);
  const gccDir = join(ep, 'usr/lib/gcc', p.chost, p.slot);
  const marker = o.marker ?? 'gcc';
  for (const l of LIBS) {
    const path = join(gccDir, l.name);
    if (l.target) put(path, { target: l.target });
    else put(path, { content: libContent(l.name, marker), mode: l.mode!, uid: l.uid, gid: l.gid });
  }
  const decoys: Record<string, number> = {
    'usr/bin/gcc': 0o755,
    [`usr/bin/${p.chost}-g++`]: 0o755,
    [`usr/libexec/gcc/${p.chost}/${p.slot}/cc1`]: 0o755,
    [`usr/lib/gcc/${p.chost}/${p.slot}/crtbegin.o`]: 0o644,
    [`usr/lib/gcc/${p.chost}/${p.slot}/libstdc++.a`]: 0o644,
    [`usr/lib/gcc/${p.chost}/${p.slot}/include/stddef.h`]: 0o644,
    [`usr/lib/gcc/${p.chost}/${p.slot}/plugin/libcc1plugin.so.0`]: 0o755, // too deep
    [`usr/lib/gcc/${p.chost}/${p.slot}/32/libgcc_s.so.1`]: 0o644, // multilib: too deep
    [`usr/lib/gcc/${p.chost}/libtoo-shallow.so`]: 0o644,
    'usr/lib64/libcc1.so.0': 0o755,
    [join('usr/share/gdb/auto-load', o.eprefix, `usr/lib/gcc/${p.chost}/${p.slot}/libstdc++.so.6.0.32-gdb.py`)]: 0o644,
  };
  for (const [rel, mode] of Object.entries(decoys)) put(join(ep, rel), { content: `decoy ${rel}\n`, mode });
  // Outside EPREFIX: only libraries under EPREFIX count.
  if (o.eprefix.replace(/\//g, '')) put(join(image, `usr/lib/gcc/${p.chost}/${p.slot}/libnot-in-eprefix.so.1`), { content: 'decoy\n', mode: 0o755 });
}

function put(path: string, e: { content?: string; mode?: number; target?: string; uid?: number; gid?: number }): void {
  mkdirSync(dirname(path), { recursive: true });
  if (e.target !== undefined) {
    symlinkSync(e.target, path);
    lutimesSync(path, GCC_MTIME, GCC_MTIME);
    return;
  }
  writeFileSync(path, e.content ?? '');
  chmodSync(path, e.mode ?? 0o644); // not subject to the umask
  chownSync(path, e.uid ?? 0, e.gid ?? 0);
  utimesSync(path, GCC_MTIME, GCC_MTIME);
}

/** Appends members under arbitrary (even hostile) names: -P keeps `..` and leading `/` as given. */
function appendMembers(tarball: string, members: readonly ExtraMember[], format: string, work: string): void {
  members.forEach((m, i) => {
    if (/[|&\\]/.test(m.name)) throw new Error(`extra member name ${m.name} cannot go through tar --transform`);
    const src = join(work, 'extra', `m${i}`);
    if (m.symlinkTo !== undefined) put(src, { target: m.symlinkTo });
    else put(src, { content: m.content ?? 'evil\n', mode: 0o644 });
    tool('tar', ['-r', '-f', tarball, `--format=${format}`, '-P', `--transform=s|^m${i}$|${m.name}|S`, '-C', dirname(src), `m${i}`]);
  });
}

function compress(from: string, to: string, how: Compression): void {
  mkdirSync(dirname(to), { recursive: true });
  const argv = { none: undefined, bzip2: ['bzip2'], gzip: ['gzip', '-n'], xz: ['xz'], zstd: ['zstd', '-q'], lz4: ['lz4', '-q'] }[how];
  if (!argv) copyFileSync(from, to);
  else tool(argv[0]!, [...argv.slice(1), '-c', from], { stdout: to });
}

function manifestLine(path: string): string {
  const data = readFileSync(path);
  const hash = (alg: string) => createHash(alg).update(data).digest('hex');
  return `DATA ${path.split('/').pop()} ${statSync(path).size} BLAKE2B ${hash('blake2b512')} SHA512 ${hash('sha512')}\n`;
}

/** Runs a real tool, its output into a file if asked; a missing tool fails the test loudly. */
function tool(file: string, args: readonly string[], o: { stdout?: string } = {}): void {
  const out = o.stdout ? openSync(o.stdout, 'w') : 'pipe'; // an fd: bytes go straight to the file, undecoded
  try {
    const r = spawnSync(file, args, { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
    if (r.error) throw new Error(`test tool ${file} could not run: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`test tool "${[file, ...args].join(' ')}" exited ${r.status ?? r.signal}: ${r.stderr}`);
  } finally {
    if (typeof out === 'number') closeSync(out);
  }
}

function withScratch(work: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'prefixkit-binpkg-'));
  try {
    work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
