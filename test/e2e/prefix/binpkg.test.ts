import { execFileSync } from 'node:child_process';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readlinkSync, rmSync, statSync,
  truncateSync, writeFileSync, writeSync, closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { extractGccLibs, findBinpkg, type Binpkg } from '../../../src/prefix/binpkg.js';
import { Failure } from '../../../src/util/errors.js';
import {
  expectedGccLibs, gccLibFiles, makeGccBinpkg, makeGpkgBinpkg, makeXpakBinpkg,
  type Compression, type ExpectedLib, type GccBinpkgOptions,
} from '../../support/binpkg.js';
import { listTree, snapshot } from '../../support/tree.js';

// Runs as root with the real GNU tar and compressors; a missing tool fails the tests, never skips them.
const EPREFIX = '/usr/local/my-stuff';
const GCC = 'sys-devel/gcc-13.3.1_p20240614';
const CHOST = 'x86_64-cros-linux-gnu';
const GCC_DIR = `${EPREFIX}/usr/lib/gcc/${CHOST}/13`;

let base: string;
let pkgdir: string;
let finalRoot: string;

beforeAll(() => {
  expect(execFileSync('tar', ['--version'], { encoding: 'utf8' })).toMatch(/^tar \(GNU tar\)/);
  expect(process.getuid?.(), 'these tests set owners and must run as root').toBe(0);
});

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'prefixkit-binpkg-test-'));
  pkgdir = join(base, 'pkgs');
  // The final root as setup_prefix leaves it before this step.
  finalRoot = join(base, 'final/root');
  mkdirSync(join(finalRoot, EPREFIX, 'etc/portage'), { recursive: true });
  writeFileSync(join(finalRoot, EPREFIX, 'etc/portage/make.conf'), 'CHOST="x86_64-cros-linux-gnu"\n');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const gcc = (o: Partial<GccBinpkgOptions> = {}): GccBinpkgOptions => ({ cpv: GCC, eprefix: EPREFIX, chost: CHOST, ...o });

/** Everything around the final root (PKGDIR, final/), to prove nothing was written outside it. */
const outside = () => snapshot(base, ['final/root']);

async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(Failure);
  return (e as Failure).message;
}

/** The final root holds exactly what it held before plus these libraries, each exactly as packed. */
function expectFinalRoot(before: readonly string[], libs: readonly ExpectedLib[], eprefix = EPREFIX): void {
  const lib64 = join(eprefix, 'usr/lib64').replace(/^\//, '');
  const dirs = [join(eprefix, 'usr').replace(/^\//, ''), lib64, ...(eprefix ? [] : ['usr'])];
  expect(listTree(finalRoot)).toEqual([...new Set([...before, ...dirs, ...libs.map((l) => l.path)])].sort());
  for (const lib of libs) {
    const path = join(finalRoot, lib.path);
    const st = lstatSync(path);
    expect({ path: lib.path, uid: st.uid, gid: st.gid, mtime: Math.round(st.mtimeMs / 1000) })
      .toEqual({ path: lib.path, uid: lib.uid, gid: lib.gid, mtime: lib.mtime });
    if (lib.type === 'symlink') {
      expect(st.isSymbolicLink(), lib.path).toBe(true);
      expect(readlinkSync(path)).toBe(lib.target);
    } else {
      expect(st.isFile(), lib.path).toBe(true);
      expect((st.mode & 0o7777).toString(8), lib.path).toBe(lib.mode!.toString(8));
      expect(readFileSync(path, 'utf8')).toBe(lib.content);
    }
  }
}

describe('findBinpkg', () => {
  it('finds a flat xpak package, <cat>/<pf>.tbz2, as Flatcar expects it', async () => {
    const path = makeXpakBinpkg(pkgdir, gcc({ layout: 'flat' }));
    expect(path).toBe(join(pkgdir, 'sys-devel/gcc-13.3.1_p20240614.tbz2'));
    expect(await findBinpkg(pkgdir, GCC)).toEqual({ cpv: GCC, path, format: 'xpak' });
  });

  it('finds a flat gpkg and multi-instance xpak and gpkg packages', async () => {
    const flat = makeGpkgBinpkg(pkgdir, gcc({ layout: 'flat' }));
    expect(await findBinpkg(pkgdir, GCC)).toEqual({ cpv: GCC, path: flat, format: 'gpkg' });
    const xpak = makeXpakBinpkg(pkgdir, gcc({ buildId: 1 }));
    expect(xpak).toBe(join(pkgdir, 'sys-devel/gcc/gcc-13.3.1_p20240614-1.xpak'));
    expect(await findBinpkg(pkgdir, GCC)).toEqual({ cpv: GCC, path: xpak, format: 'xpak', buildId: 1 });
    const gpkg = makeGpkgBinpkg(pkgdir, gcc({ buildId: 2 }));
    expect(gpkg).toBe(join(pkgdir, 'sys-devel/gcc/gcc-13.3.1_p20240614-2.gpkg.tar'));
    expect(await findBinpkg(pkgdir, GCC)).toEqual({ cpv: GCC, path: gpkg, format: 'gpkg', buildId: 2 });
  });

  it('takes the highest build id (10 > 9 > 2), skipping the empty file Portage reserves an id with', async () => {
    for (const buildId of [2, 10, 9]) makeGpkgBinpkg(pkgdir, gcc({ buildId, marker: `build ${buildId}` }));
    makeXpakBinpkg(pkgdir, gcc({ buildId: 3, marker: 'build 3' }));
    writeFileSync(join(pkgdir, 'sys-devel/gcc/gcc-13.3.1_p20240614-11.gpkg.tar'), '');
    writeFileSync(join(pkgdir, 'sys-devel/gcc/gcc-13.3.1_p20240614-12.gpkg.tar.4242'), 'a temporary file');
    const pkg = await findBinpkg(pkgdir, GCC);
    expect(pkg).toEqual({ cpv: GCC, path: join(pkgdir, 'sys-devel/gcc/gcc-13.3.1_p20240614-10.gpkg.tar'), format: 'gpkg', buildId: 10 });
    await extractGccLibs(pkg, { eprefix: EPREFIX, finalRoot });
    expect(readFileSync(join(finalRoot, EPREFIX, 'usr/lib64/libstdc++.so.6.0.32'), 'utf8')).toContain('(build 10)');
  });

  it('matches the PF exactly: gcc-13.2.0 and gcc-13-r1 are not gcc-13', async () => {
    for (const cpv of ['sys-devel/gcc-13.2.0', 'sys-devel/gcc-13-r1']) {
      makeXpakBinpkg(pkgdir, gcc({ cpv, layout: 'flat' }));
      makeGpkgBinpkg(pkgdir, gcc({ cpv, layout: 'flat' }));
      makeGpkgBinpkg(pkgdir, gcc({ cpv, buildId: 7 }));
    }
    expect(await failure(findBinpkg(pkgdir, 'sys-devel/gcc-13'))).toMatch(/^no binary package of sys-devel\/gcc-13 in PKGDIR/);
    const own = makeGpkgBinpkg(pkgdir, gcc({ cpv: 'sys-devel/gcc-13', buildId: 1 }));
    expect(await findBinpkg(pkgdir, 'sys-devel/gcc-13')).toEqual({ cpv: 'sys-devel/gcc-13', path: own, format: 'gpkg', buildId: 1 });
    expect((await findBinpkg(pkgdir, 'sys-devel/gcc-13-r1')).path).toBe(join(pkgdir, 'sys-devel/gcc/gcc-13-r1-7.gpkg.tar'));
  });

  it('says which cpv is missing, where it looked and how to fix it, in one line', async () => {
    mkdirSync(pkgdir);
    const msg = await failure(findBinpkg(pkgdir, GCC));
    expect(msg).toBe(
      `no binary package of ${GCC} in PKGDIR ${pkgdir}: looked for sys-devel/gcc-13.3.1_p20240614.tbz2, `
      + 'sys-devel/gcc-13.3.1_p20240614.gpkg.tar and sys-devel/gcc/gcc-13.3.1_p20240614-<build-id>.{gpkg.tar,xpak}; '
      + 're-run the staging bootstrap with binary packages enabled (FEATURES=buildpkg, i.e. emerge --buildpkg) '
      + 'or check that PKGDIR is the staging one (portageq pkgdir)',
    );
  });

  it('rejects something that is not category/PF', async () => {
    expect(await failure(findBinpkg(pkgdir, 'gcc'))).toBe('"gcc" is not a category/package-version such as sys-devel/gcc-13.3.1_p20240614');
    expect(await failure(findBinpkg(pkgdir, 'sys-devel/gcc'))).toContain('"sys-devel/gcc" is not');
  });
});

describe('extractGccLibs', () => {
  const cases: readonly [GccBinpkgOptions['format'], GccBinpkgOptions['layout'], Compression][] = [
    ['xpak', 'flat', 'bzip2'], // what Flatcar's qtbz2 | tar -xj handles
    ['xpak', 'multi-instance', 'bzip2'],
    ['xpak', 'flat', 'zstd'], ['xpak', 'flat', 'xz'], ['xpak', 'multi-instance', 'gzip'], ['xpak', 'flat', 'lz4'],
    ['gpkg', 'multi-instance', 'zstd'], // Portage's default
    ['gpkg', 'flat', 'xz'], ['gpkg', 'multi-instance', 'xz'], ['gpkg', 'multi-instance', 'bzip2'],
    ['gpkg', 'multi-instance', 'gzip'], ['gpkg', 'multi-instance', 'lz4'], ['gpkg', 'multi-instance', 'none'],
  ];
  it.each(cases)('takes only the .so* files from %s (%s, %s), flattened into EPREFIX/usr/lib64, exactly as packed', async (format, layout, compression) => {
    const pkg = await findBinpkg(makeGccBinpkg(base, gcc({ format, layout, compression })), GCC);
    expect(pkg.format).toBe(format);
    const before = listTree(finalRoot);
    const around = outside();
    const got = await extractGccLibs(pkg, { eprefix: EPREFIX, finalRoot });
    const libs = expectedGccLibs({ eprefix: EPREFIX });
    expect(got).toEqual(libs.map((l) => l.path));
    expect(got.map((p) => p.split('/').pop())).toEqual(gccLibFiles());
    expectFinalRoot(before, libs);
    expect(readFileSync(join(finalRoot, EPREFIX, 'etc/portage/make.conf'), 'utf8')).toBe('CHOST="x86_64-cros-linux-gnu"\n');
    expect(outside()).toEqual(around);
  });

  it('handles an empty EPREFIX (libraries into <final root>/usr/lib64)', async () => {
    const pkg: Binpkg = { cpv: GCC, path: makeGpkgBinpkg(pkgdir, gcc({ eprefix: '' })), format: 'gpkg' };
    const before = listTree(finalRoot);
    expect(await extractGccLibs(pkg, { eprefix: '', finalRoot })).toEqual(gccLibFiles().map((n) => `usr/lib64/${n}`));
    expectFinalRoot(before, expectedGccLibs({ eprefix: '' }), '');
  });

  it('replaces the libraries of an earlier run', async () => {
    const first: Binpkg = { cpv: GCC, path: makeXpakBinpkg(pkgdir, gcc({ buildId: 1, marker: 'first' })), format: 'xpak' };
    const second: Binpkg = { cpv: GCC, path: makeXpakBinpkg(pkgdir, gcc({ buildId: 2, marker: 'second' })), format: 'xpak' };
    const before = listTree(finalRoot);
    await extractGccLibs(first, { eprefix: EPREFIX, finalRoot });
    await extractGccLibs(second, { eprefix: EPREFIX, finalRoot });
    expectFinalRoot(before, expectedGccLibs({ eprefix: EPREFIX, marker: 'second' }));
  });

  it('clears the scratch directory an interrupted run left in the final root', async () => {
    const pkg: Binpkg = { cpv: GCC, path: makeGpkgBinpkg(pkgdir, gcc()), format: 'gpkg' };
    const before = listTree(finalRoot);
    mkdirSync(join(finalRoot, '.prefixkit-gcc-libs.partial'));
    writeFileSync(join(finalRoot, '.prefixkit-gcc-libs.partial/libstdc++.so.6.0.32'), 'half a lib');
    await extractGccLibs(pkg, { eprefix: EPREFIX, finalRoot });
    expectFinalRoot(before, expectedGccLibs({ eprefix: EPREFIX }));
  });

  it('fails when nothing in the package is under EPREFIX/usr/lib/gcc, writing nothing', async () => {
    const pkg: Binpkg = { cpv: GCC, path: makeGpkgBinpkg(pkgdir, gcc({ eprefix: '/usr/local/other' })), format: 'gpkg' };
    const before = snapshot(finalRoot);
    expect(await failure(extractGccLibs(pkg, { eprefix: EPREFIX, finalRoot }))).toBe(
      `no GCC run-time libraries in ${pkg.path}: nothing matched image/usr/local/my-stuff/usr/lib/gcc/*/*/*.so*; `
      + `was ${GCC} built with EPREFIX "${EPREFIX}"?`,
    );
    expect(snapshot(finalRoot)).toEqual(before);
  });

  describe('a corrupt xpak package fails clearly and writes nothing', () => {
    /** Bytes of the file, and where its xpak segment starts. */
    const layout = (path: string) => {
      const size = statSync(path).size;
      const buf = Buffer.alloc(4);
      const fd = openSync(path, 'r');
      readSync(fd, buf, 0, 4, size - 8);
      closeSync(fd);
      return { size, xpakStart: size - 8 - buf.readUInt32BE(0) };
    };
    const poke = (path: string, at: number, bytes: Buffer) => {
      const fd = openSync(path, 'r+');
      writeSync(fd, bytes, 0, bytes.length, at);
      closeSync(fd);
    };
    const corruptions: readonly [string, (path: string) => void, string][] = [
      ['a broken STOP', (p) => poke(p, layout(p).size - 4, Buffer.from('STOQ')), 'no XPAKSTOP and STOP trailer at its end'],
      ['a missing trailer', (p) => truncateSync(p, layout(p).size - 8), 'no XPAKSTOP and STOP trailer at its end'],
      ['a length beyond the file', (p) => poke(p, layout(p).size - 8, Buffer.from([0x7f, 0, 0, 0])), 'the trailer gives an xpak length of 2130706432, which does not fit in'],
      ['a length off by one', (p) => { const l = layout(p); poke(p, l.size - 8, Buffer.from([0, 0, 0, 0])); poke(p, l.size - 5, Buffer.from([l.size - 8 - l.xpakStart + 1])); }, 'no XPAKPACK at byte'],
      ['a tiny file', (p) => truncateSync(p, 20), 'only 20 bytes long'],
    ];
    it.each(corruptions)('%s', async (_what, corrupt, why) => {
      const path = makeXpakBinpkg(pkgdir, gcc({ layout: 'flat' }));
      corrupt(path);
      const before = snapshot(finalRoot);
      const msg = await failure(extractGccLibs(await findBinpkg(pkgdir, GCC), { eprefix: EPREFIX, finalRoot }));
      expect(msg).toContain(`${path} is not a valid xpak binary package (${why}`);
      expect(msg).toMatch(/; rebuild it \(emerge --buildpkg or quickpkg\)$/);
      expect(snapshot(finalRoot)).toEqual(before);
    });
  });

  it('leaves the final root as it was when the stream turns out corrupt after tar extracted everything', async () => {
    // gzip checks its CRC only at the end: tar has written every library by the time it fails.
    const path = makeXpakBinpkg(pkgdir, gcc({ layout: 'flat', compression: 'gzip' }));
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    const len = Buffer.alloc(4);
    readSync(fd, len, 0, 4, size - 8);
    writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, size - 8 - len.readUInt32BE(0) - 8); // the CRC32
    closeSync(fd);
    const before = snapshot(finalRoot);
    const msg = await failure(extractGccLibs(await findBinpkg(pkgdir, GCC), { eprefix: EPREFIX, finalRoot }));
    expect(msg).toContain(`cannot extract GCC's run-time libraries from ${path}: "tar --gzip -x -f -`);
    expect(msg).toMatch(/crc error/i);
    expect(snapshot(finalRoot)).toEqual(before);
  });

  it('fails clearly on a .gpkg.tar that is not a gpkg', async () => {
    const path = join(pkgdir, 'sys-devel/gcc-13.3.1_p20240614.gpkg.tar');
    mkdirSync(join(pkgdir, 'sys-devel'), { recursive: true });
    writeFileSync(path, 'not a tar at all\n'.repeat(64));
    expect(await failure(extractGccLibs(await findBinpkg(pkgdir, GCC), { eprefix: EPREFIX, finalRoot })))
      .toBe(`${path} is not a valid gpkg binary package (tar cannot list it: tar: This does not look like a tar archive); rebuild it (emerge --buildpkg or quickpkg)`);
  });

  describe('hostile member names write nothing outside the final root', () => {
    it('skips members named image/../../evil or /abs/evil that are not GCC libraries', async () => {
      const pkg: Binpkg = {
        cpv: GCC, format: 'gpkg', path: makeGpkgBinpkg(pkgdir, gcc({
          extraMembers: [
            { name: 'image/../../evil' }, { name: 'image/../../../evil.so.1' }, { name: `${base}/abs-evil.so` },
            { name: `image${GCC_DIR}/../../../../../../../../../../../evil.so` }, // too deep for */*/*.so*
          ],
        })),
      };
      const before = listTree(finalRoot);
      const around = outside();
      expect(await extractGccLibs(pkg, { eprefix: EPREFIX, finalRoot })).toEqual(expectedGccLibs({ eprefix: EPREFIX }).map((l) => l.path));
      expectFinalRoot(before, expectedGccLibs({ eprefix: EPREFIX }));
      expect(outside()).toEqual(around);
      expect(existsSync(join(base, 'abs-evil.so'))).toBe(false);
    });

    it.each([
      ['gpkg', `image${EPREFIX}/usr/lib/gcc/../../evil.so.1`],
      ['xpak', `.${EPREFIX}/usr/lib/gcc/../../evil.so.1`],
    ] as const)('refuses a %s whose GCC library name climbs out with ..', async (format, name) => {
      const make = format === 'gpkg' ? makeGpkgBinpkg : makeXpakBinpkg;
      const pkg: Binpkg = { cpv: GCC, format, path: make(pkgdir, gcc({ extraMembers: [{ name }] })) };
      const before = snapshot(finalRoot);
      const around = outside();
      const msg = await failure(extractGccLibs(pkg, { eprefix: EPREFIX, finalRoot }));
      expect(msg).toContain(`cannot extract GCC's run-time libraries from ${pkg.path}`);
      expect(msg).toContain(`${name}: Member name contains '..'`);
      expect(snapshot(finalRoot)).toEqual(before);
      expect(outside()).toEqual(around);
    });

    it('never writes through a symlink a library name first arrives as', async () => {
      const victim = join(base, 'victim');
      writeFileSync(victim, 'original\n');
      const lib = `image${GCC_DIR}/libescape.so.1`;
      const pkg: Binpkg = {
        cpv: GCC, format: 'gpkg', path: makeGpkgBinpkg(pkgdir, gcc({
          extraMembers: [{ name: lib, symlinkTo: victim }, { name: lib, content: 'evil\n' }],
        })),
      };
      const around = outside();
      const got = await extractGccLibs(pkg, { eprefix: EPREFIX, finalRoot });
      expect(got).toContain(`${EPREFIX.slice(1)}/usr/lib64/libescape.so.1`);
      expect(readFileSync(victim, 'utf8')).toBe('original\n');
      expect(outside()).toEqual(around);
      // Which of the two members ends up there is GNU tar's business; that the victim is untouched is ours.
    });
  });
});
