import { createReadStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { CommandFailed, Failure } from '../util/errors.js';
import { capture } from '../util/run.js';

/**
 * Gentoo binary packages in a PKGDIR, read with real GNU tar, as far as prefixkit needs them:
 * finding the package Portage built for a cpv and taking GCC's run-time libraries out of it.
 * Formats (learned from Portage's documentation and sources, re-implemented here):
 * - xpak (`.tbz2`, `.xpak`): a compressed tarball of `./`-relative paths, then an xpak segment
 *   ("XPAKPACK", index and data lengths, index, data, "XPAKSTOP"), then a trailer of the segment's
 *   length (4 bytes, big-endian) and "STOP".
 * - gpkg (GLEP 78, `.gpkg.tar`): a plain tar holding `<basename>/gpkg-1`, `<basename>/metadata.tar.<c>`
 *   and `<basename>/image.tar.<c>` (plus Manifest and signatures); the image's paths start with `image/`.
 */

export type BinpkgFormat = 'xpak' | 'gpkg';

/** One binary package file, as Portage left it in PKGDIR. */
export interface Binpkg {
  /** category/PF, e.g. `sys-devel/gcc-13.3.1_p20240614`. */
  readonly cpv: string;
  readonly path: string;
  readonly format: BinpkgFormat;
  /** Set in the binpkg-multi-instance layout only. */
  readonly buildId?: number;
}

/**
 * The binary package of `cpv` in `pkgdir`, in any layout Portage writes:
 * `<cat>/<pn>/<pf>-<build-id>.{gpkg.tar,xpak}` (binpkg-multi-instance, the highest build id wins),
 * else `<cat>/<pf>.gpkg.tar`, else `<cat>/<pf>.tbz2`. The PF must match exactly, so gcc-13 never
 * picks gcc-13.2.0's package.
 */
export async function findBinpkg(pkgdir: string, cpv: string): Promise<Binpkg> {
  const { category, pn, pf } = parseCpv(cpv);
  const instance = await newestInstance(join(pkgdir, category, pn), pf);
  if (instance) return { cpv, path: instance.path, format: instance.format, buildId: instance.buildId };
  for (const [file, format] of [[`${pf}.gpkg.tar`, 'gpkg'], [`${pf}.tbz2`, 'xpak']] as const) {
    const path = join(pkgdir, category, file);
    if (await isPackageFile(path)) return { cpv, path, format };
  }
  throw new Failure(
    `no binary package of ${cpv} in PKGDIR ${pkgdir}: looked for ${category}/${pf}.tbz2, ${category}/${pf}.gpkg.tar `
    + `and ${category}/${pn}/${pf}-<build-id>.{gpkg.tar,xpak}; re-run the staging bootstrap with binary packages `
    + 'enabled (FEATURES=buildpkg, i.e. emerge --buildpkg) or check that PKGDIR is the staging one (portageq pkgdir)',
  );
}

/**
 * Extracts GCC's shared run-time libraries (files and symlinks matching
 * `<eprefix>/usr/lib/gcc/<chost>/<version>/*.so*`) flattened into `<finalRoot><eprefix>/usr/lib64/`,
 * keeping symlinks, modes, mtimes and numeric owners. Returns the new paths relative to finalRoot, sorted.
 *
 * The package is streamed through GNU tar, never read into memory. tar writes into a scratch
 * directory inside finalRoot and each library is then renamed into place, so an interrupted run
 * never leaves a half-written library under its final name, and a failed one leaves finalRoot as
 * it was. tar's own safety is kept (no -P): members with `..` are refused, leading `/` is stripped.
 */
export async function extractGccLibs(pkg: Binpkg, o: { eprefix: string; finalRoot: string }): Promise<string[]> {
  const dest = join(o.finalRoot, o.eprefix, 'usr/lib64');
  const scratch = join(o.finalRoot, '.prefixkit-gcc-libs.partial');
  await rm(scratch, { recursive: true, force: true }); // left by an interrupted run: ours by name
  await mkdir(scratch, { recursive: true });
  try {
    const names = await untarGccLibs(pkg, o.eprefix, scratch);
    await mkdir(dest, { recursive: true });
    await assertInside(o.finalRoot, dest);
    for (const name of names) await rename(join(scratch, name), join(dest, name));
    return names.map((name) => relative(o.finalRoot, join(dest, name))).sort();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- finding packages

const VERSION = String.raw`\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)\d*)*(?:-r\d+)?`;
const CPV = new RegExp(String.raw`^([A-Za-z0-9_][A-Za-z0-9+_.-]*)/([A-Za-z0-9_][A-Za-z0-9+_-]*?)-(${VERSION})$`);

function parseCpv(cpv: string): { category: string; pn: string; pf: string } {
  const m = CPV.exec(cpv);
  if (!m) throw new Failure(`"${cpv}" is not a category/package-version such as sys-devel/gcc-13.3.1_p20240614`);
  return { category: m[1]!, pn: m[2]!, pf: `${m[2]}-${m[3]}` };
}

/** The binpkg-multi-instance package of `pf` with the highest build id, if any. */
async function newestInstance(dir: string, pf: string) {
  const name = new RegExp(`^${regexEscape(pf)}-(\\d+)\\.(gpkg\\.tar|xpak)$`);
  let best: { path: string; format: BinpkgFormat; buildId: number } | undefined;
  for (const file of await listDir(dir)) {
    const m = name.exec(file);
    if (!m) continue;
    const buildId = Number(m[1]);
    const path = join(dir, file);
    // Portage reserves a build id with an empty file before it writes the package.
    if ((!best || buildId > best.buildId) && (await isPackageFile(path)))
      best = { path, format: m[2] === 'xpak' ? 'xpak' : 'gpkg', buildId };
  }
  return best;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return [];
    throw e;
  }
}

async function isPackageFile(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    return st.isFile() && st.size > 0;
  } catch (e) {
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return false;
    throw e;
  }
}

// ---------------------------------------------------------------- what to extract, and how

/** Lets tar put the package's GCC libraries, flattened, into the empty directory `into`; returns their names. */
async function untarGccLibs(pkg: Binpkg, eprefix: string, into: string): Promise<string[]> {
  const ep = eprefix.replace(/^\/+|\/+$/g, '');
  // Portage packs xpak tarballs from `.` and gpkg images under `image`.
  const pattern = `${pkg.format === 'xpak' ? '.' : 'image'}/${ep ? `${globEscape(ep)}/` : ''}usr/lib/gcc/*/*/*.so*`;
  const untar = ['-x', '-f', '-', '-C', into, ...GCC_LIBS_TAR_OPTIONS, pattern];
  try {
    await (pkg.format === 'xpak' ? extractXpak(pkg.path, untar) : extractGpkg(pkg.path, untar));
  } catch (e) {
    if (!(e instanceof CommandFailed)) throw e; // our own Failures already say what is wrong with the package
    if (e.argv.at(-1) === pattern && onlyNotFound(e.stderrTail)) throw noLibs(pkg, pattern, eprefix);
    throw new Failure(`cannot extract GCC's run-time libraries from ${pkg.path}: ${e.message}`);
  }
  // Only files and symlinks are libraries; a directory that happened to match stays behind.
  const names = (await readdir(into, { withFileTypes: true }))
    .filter((d: Dirent) => d.isFile() || d.isSymbolicLink()).map((d) => d.name).sort();
  if (names.length === 0) throw noLibs(pkg, pattern, eprefix);
  return names;
}

/**
 * GNU tar options that take the matched members only, flatten them (the transform drops every
 * directory from member names and hard-link targets, never from symlink targets) and keep their
 * metadata. `*` must not match `/`, so plugin/ and multilib (32/) libraries stay out.
 */
const GCC_LIBS_TAR_OPTIONS = [
  '--wildcards', '--no-wildcards-match-slash', '--no-recursion',
  '--transform=s#.*/##S', '--numeric-owner', '--same-permissions',
];

/** tar failed only because the pattern matched nothing ("…: Not found in archive"). */
function onlyNotFound(stderr: string): boolean {
  const lines = stderr.split('\n').filter((l) => l.trim() && !/Exiting with failure status/.test(l));
  return lines.length > 0 && lines.every((l) => l.endsWith(': Not found in archive'));
}

function noLibs(pkg: Binpkg, pattern: string, eprefix: string): Failure {
  return new Failure(`no GCC run-time libraries in ${pkg.path}: nothing matched ${pattern}; was ${pkg.cpv} built with EPREFIX "${eprefix}"?`);
}

async function assertInside(root: string, path: string): Promise<void> {
  const [r, p] = await Promise.all([realpath(root), realpath(path)]);
  if (p !== r && !p.startsWith(r + sep)) throw new Failure(`${path} resolves to ${p}, outside the final root ${r}; refusing to write there`);
}

const globEscape = (s: string) => s.replace(/[*?[\\]/g, '\\$&');
const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------- compression

type Compression = 'none' | 'bzip2' | 'gzip' | 'xz' | 'zstd' | 'lz4' | 'lzip' | 'lzop';

/** tar decompresses itself; zstd gets Portage's --long=31 so packages made with a large window still read. */
const TAR_DECOMPRESS: Readonly<Record<Compression, readonly string[]>> = {
  none: [], bzip2: ['--bzip2'], gzip: ['--gzip'], xz: ['--xz'], lzip: ['--lzip'], lzop: ['--lzop'],
  zstd: ['--use-compress-program=zstd --long=31'], lz4: ['--use-compress-program=lz4'],
};

const MAGIC: readonly (readonly [Compression, Buffer])[] = [
  ['bzip2', Buffer.from('BZh')], ['gzip', Buffer.from([0x1f, 0x8b])],
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])], ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['lz4', Buffer.from([0x04, 0x22, 0x4d, 0x18])], ['lzip', Buffer.from('LZIP')],
  ['lzop', Buffer.from([0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a])],
];

function sniffCompression(head: Buffer): Compression | undefined {
  const found = MAGIC.find(([, magic]) => head.subarray(0, magic.length).equals(magic));
  if (found) return found[0];
  return head.subarray(257, 262).toString('latin1') === 'ustar' ? 'none' : undefined;
}

/** gpkg names the compression in the member's suffix, as Portage does when it reads one. */
const GPKG_SUFFIX: Readonly<Record<string, Compression>> = {
  '': 'none', '.bz2': 'bzip2', '.gz': 'gzip', '.xz': 'xz', '.zst': 'zstd', '.lz4': 'lz4', '.lz': 'lzip', '.lzo': 'lzop',
};

// ---------------------------------------------------------------- xpak

/** Streams the tarball part of an xpak package (the bytes before the xpak segment) into `tar UNTAR`. */
async function extractXpak(path: string, untar: readonly string[]): Promise<void> {
  const { tarballEnd, head } = await readXpakLayout(path);
  const compression = sniffCompression(head);
  if (!compression) {
    const bytes = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Failure(`${path}: the tarball is compressed in an unknown way (first bytes ${bytes}); expected bzip2, gzip, xz, zstd, lz4, lzip, lzop or plain tar`);
  }
  await pipeThrough(createReadStream(path, { start: 0, end: tarballEnd - 1 }), [['tar', ...TAR_DECOMPRESS[compression], ...untar]]);
}

/** Where the tarball ends (the xpak segment starts), checked against the trailer and both markers. */
async function readXpakLayout(path: string): Promise<{ tarballEnd: number; head: Buffer }> {
  const corrupt = (why: string) => new Failure(`${path} is not a valid xpak binary package (${why}); rebuild it (emerge --buildpkg or quickpkg)`);
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const read = async (at: number, length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await file.read(buf, 0, length, at);
      return buf.subarray(0, bytesRead);
    };
    if (size < 16 + 16) throw corrupt(`only ${size} bytes long`);
    const trailer = await read(size - 16, 16);
    if (trailer.toString('latin1', 0, 8) !== 'XPAKSTOP' || trailer.toString('latin1', 12, 16) !== 'STOP')
      throw corrupt('no XPAKSTOP and STOP trailer at its end');
    const xpakLength = trailer.readUInt32BE(8);
    const xpakStart = size - 8 - xpakLength;
    if (xpakLength < 24 || xpakStart <= 0) throw corrupt(`the trailer gives an xpak length of ${xpakLength}, which does not fit in ${size} bytes`);
    const header = await read(xpakStart, 16);
    if (header.toString('latin1', 0, 8) !== 'XPAKPACK') throw corrupt(`no XPAKPACK at byte ${xpakStart}, where the trailer says the xpak segment starts`);
    if (16 + header.readUInt32BE(8) + header.readUInt32BE(12) + 8 !== xpakLength)
      throw corrupt('the xpak index and data lengths do not add up to the segment length');
    return { tarballEnd: xpakStart, head: await read(0, Math.min(512, xpakStart)) };
  } finally {
    await file.close();
  }
}

// ---------------------------------------------------------------- gpkg

/** Streams the image member out of a gpkg container into `tar UNTAR`. */
async function extractGpkg(path: string, untar: readonly string[]): Promise<void> {
  const image = await gpkgImage(path);
  await pipeThrough(undefined, [
    ['tar', '-x', '-O', '-f', path, '--occurrence=1', image.member],
    ['tar', ...TAR_DECOMPRESS[image.compression], ...untar],
  ]);
}

/** The image member of a gpkg container: `<basename>/image.tar[.<suffix>]` beside `<basename>/gpkg-1`. */
async function gpkgImage(path: string): Promise<{ member: string; compression: Compression }> {
  const corrupt = (why: string) => new Failure(`${path} is not a valid gpkg binary package (${why}); rebuild it (emerge --buildpkg or quickpkg)`);
  let listing: string;
  try {
    listing = await capture(['tar', '-t', '-f', path], { env: { ...process.env, LC_ALL: 'C' } });
  } catch (e) {
    if (!(e instanceof CommandFailed)) throw e;
    throw corrupt(`tar cannot list it: ${e.stderrTail.split('\n')[0] || e.message}`);
  }
  const members = listing.split('\n');
  const dirs = members.filter((m) => /^[^/]+\/gpkg-1$/.test(m)).map((m) => m.slice(0, -'/gpkg-1'.length));
  if (dirs.length !== 1) throw corrupt(dirs.length ? 'more than one gpkg-1 member' : 'no <basename>/gpkg-1 member');
  const images = members.flatMap((member) => {
    const m = /^([^/]+)\/image\.tar(\.[a-z0-9]+)?$/.exec(member);
    const compression = m && m[1] === dirs[0] ? GPKG_SUFFIX[m[2] ?? ''] : undefined;
    return compression ? [{ member, compression }] : [];
  });
  if (images.length !== 1) throw corrupt(images.length ? 'more than one image member' : `no ${dirs[0]}/image.tar[.zst|.xz|.bz2|.gz|.lz4|.lz|.lzo] member`);
  return images[0]!;
}

// ---------------------------------------------------------------- streaming

/**
 * Runs `source | cmd1 | cmd2 …`, streaming through pipes (nothing is held in memory) with the C
 * locale, so tar's messages can be recognised. When several commands fail, the first to fail is
 * reported: the others failed because it went away.
 */
async function pipeThrough(source: Readable | undefined, commands: readonly (readonly string[])[]): Promise<void> {
  const failures: Error[] = [];
  const waits: Promise<void>[] = [];
  let input = source;
  commands.forEach((argv, i) => {
    const [file, ...args] = argv;
    const last = i === commands.length - 1;
    const child = execa(file!, args, {
      stdin: input ? 'pipe' : 'ignore', stdout: last ? 'ignore' : 'pipe', stderr: 'pipe',
      buffer: { stdout: false, stderr: true }, reject: false, env: { LC_ALL: 'C' },
    });
    if (input) {
      waits.push(pipeline(input, child.stdin!).catch((e: NodeJS.ErrnoException) => {
        if (!CLOSED_EARLY.includes(e.code ?? '')) failures.push(e); // else the reader's own exit tells why
      }));
    }
    waits.push(child.then((r) => {
      if (!r.failed) return;
      failures.push(CommandFailed.of(argv, r, String(r.stderr ?? '').trim().split('\n').slice(-20).join('\n')));
    }));
    input = child.stdout ?? undefined;
  });
  await Promise.all(waits);
  if (failures.length) throw failures[0];
}

/** A reader that exits before the end of its input makes the writer fail with one of these. */
const CLOSED_EARLY = ['EPIPE', 'ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED'];
