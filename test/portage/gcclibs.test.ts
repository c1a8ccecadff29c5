import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failed, ok } from './support/lab.js';
import { lazyLab, Prefix } from './support/prefix.js';

// setup_prefix's gcc-libs step against real Portage: the query it runs, and the binary packages
// Portage really writes, in both formats (see README.md).
const { lab: need, cleanup } = lazyLab();
const prefixes = new Map<string, Prefix>();

/** A prefix made by setup_prefix --config_only, with the GCC stand-in built in its staging root. */
function withGcc(name: string, env: Record<string, string> = {}): Prefix {
  let p = prefixes.get(name);
  if (!p) {
    p = new Prefix(need(), name);
    p.setup();
    ok(p.runWrapper('emerge', ['--stage', 'sys-devel/gcc'], env), `emerge wrapper --stage sys-devel/gcc (${name})`);
    prefixes.set(name, p);
  }
  return p;
}

afterAll(cleanup);

const GCC = 'sys-devel/gcc-13.3.1_p20240614';
const XPAK_ENV = { BINPKG_FORMAT: 'xpak', FEATURES: '-sandbox -usersandbox -binpkg-multi-instance' };
const LIBS = ['libgcc_s.so.1', 'libgomp.so.1', 'libgomp.so.1.0.0', 'libstdc++.so.6', 'libstdc++.so.6.0.32'];

/** The exact query of src/prefix/gcclibs.ts: argv and environment. */
function gccQuery(p: Prefix): { argv: string[]; env: Record<string, string> } {
  const eroot = p.eroot('staging');
  return { argv: ['portageq', 'best_version', eroot, 'sys-devel/gcc'], env: { EPREFIX: p.eprefix, ROOT: p.root('staging'), PORTAGE_CONFIGROOT: eroot } };
}

/** Runs prefixkit's own gcc-libs step (src/prefix/gcclibs.ts) for the prefix, with the lab's Portage on PATH. */
async function runGccLibsStep(p: Prefix): Promise<void> {
  const { resolvePrefixConfig } = await import('../../src/prefix/config.js');
  const { extractGccLibsStep } = await import('../../src/prefix/gcclibs.js');
  const host = { root: true, portageHost: true, distdir: join(p.lab.sdk, 'var/cache/distfiles'), cpus: 2, path: [] };
  const cfg = await resolvePrefixConfig(p.args, host, p.lab.base);
  const step = extractGccLibsStep(cfg);
  const saved = { ...process.env };
  Object.assign(process.env, p.lab.env());
  try {
    for (const action of step.actions) if (action.kind === 'task') await action.run();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

function magic(path: string): string {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(4);
  readSync(fd, buf, 0, 4, 0);
  closeSync(fd);
  return buf.toString('hex');
}

function expectGccLibsIn(p: Prefix): void {
  const lib64 = join(p.eroot('final'), 'usr/lib64');
  expect(readlinkSync(join(lib64, 'libstdc++.so.6'))).toBe('libstdc++.so.6.0.32');
  expect(readFileSync(join(lib64, 'libstdc++.so.6'), 'utf8')).toBe('fake libstdc++\n');
  expect(readFileSync(join(lib64, 'libgcc_s.so.1'), 'utf8')).toBe('fake libgcc_s\n');
  // Only GCC's shared libraries: no crt objects, static archives or compiler binaries.
  expect(readdirSync(lib64).sort()).toEqual(LIBS);
}

describe("setup_prefix's GCC run-time libraries step, against real Portage", () => {
  it('runs against a Portage source checkout (PORTAGE_SRC)', () => {
    need();
  });

  it(`finds the installed GCC with prefixkit's exact portageq query (gpkg staging)`, () => {
    const p = withGcc('gpkg');
    const { argv, env } = gccQuery(p);
    expect(ok(p.lab.run(argv, env), argv.join(' ')).stdout.trim()).toBe(GCC);
    // Why the query passes <root><EPREFIX>: with EPREFIX set, portageq refuses the bare root.
    const bare = failed(p.lab.run(['portageq', 'best_version', p.root('staging'), 'sys-devel/gcc'], env));
    expect(bare.stderr).toContain(`only supports <eroot>s ending in '${p.eprefix}'`);
  });

  it('findBinpkg picks the gpkg (binpkg-multi-instance) package Portage wrote', async () => {
    const p = withGcc('gpkg');
    expect(p.binpkgs()).toEqual([`sys-devel/gcc/gcc-13.3.1_p20240614-1.gpkg.tar`]);
    const { findBinpkg } = await import('../../src/prefix/binpkg.js');
    expect(await findBinpkg(p.pkgdir, GCC)).toMatchObject({ path: join(p.pkgdir, 'sys-devel/gcc/gcc-13.3.1_p20240614-1.gpkg.tar'), format: 'gpkg', buildId: 1 });
  });

  it('the gcc-libs step extracts only the shared libraries from the gpkg into <final root><EPREFIX>/usr/lib64', async () => {
    const p = withGcc('gpkg');
    await runGccLibsStep(p);
    expectGccLibsIn(p);
    expect(p.installed('final')).toEqual([]);
  });

  // best_visible would ignore an installed GCC that a mask (package.mask, LICENSE) hides, e.g. a
  // `>=sys-devel/gcc-13` mask like the one Flatcar's skel once had: the step uses best_version.
  it('the gcc-libs step finds the installed GCC even when a package.mask entry matches it', async () => {
    const p = withGcc('gpkg');
    const mask = join(p.eroot('staging'), 'etc/portage/package.mask/zz-gcc-test');
    writeFileSync(mask, '>=sys-devel/gcc-13\n');
    try {
      await runGccLibsStep(p);
    } finally {
      rmSync(mask);
    }
  });

  it('after a rebuild, findBinpkg takes the newest instance, the one the vdb records as installed', async () => {
    const p = withGcc('gpkg');
    ok(p.runWrapper('emerge', ['--stage', 'sys-devel/gcc']), 'emerge wrapper --stage sys-devel/gcc (rebuild)');
    const installedId = readFileSync(join(p.eroot('staging'), 'var/db/pkg', GCC, 'BUILD_ID'), 'utf8').trim();
    expect(installedId).toBe('2');
    const { findBinpkg } = await import('../../src/prefix/binpkg.js');
    expect((await findBinpkg(p.pkgdir, GCC)).buildId).toBe(Number(installedId));
  });

  it('xpak staging (BINPKG_FORMAT=xpak, -binpkg-multi-instance): the flat .tbz2 is found and extracted, though Portage compressed it with zstd', async () => {
    const p = withGcc('xpak', XPAK_ENV);
    expect(p.binpkgs()).toEqual(['sys-devel/gcc-13.3.1_p20240614.tbz2']);
    const tbz2 = join(p.pkgdir, 'sys-devel/gcc-13.3.1_p20240614.tbz2');
    // BINPKG_COMPRESS defaults to zstd: a .tbz2 is not bzip2 (Flatcar's `tar -xj` would fail on it).
    expect(magic(tbz2)).toBe('28b52ffd');
    const { argv, env } = gccQuery(p);
    expect(ok(p.lab.run(argv, env)).stdout.trim()).toBe(GCC);
    const { findBinpkg } = await import('../../src/prefix/binpkg.js');
    expect(await findBinpkg(p.pkgdir, GCC)).toMatchObject({ path: tbz2, format: 'xpak' });
    await runGccLibsStep(p);
    expectGccLibsIn(p);
  });

  it('the gcc-libs step fails, naming sys-devel/gcc, when staging has no GCC', async () => {
    const p = new Prefix(need(), 'nogcc');
    p.setup();
    await expect(runGccLibsStep(p)).rejects.toThrow(/sys-devel\/gcc/);
    expect(p.installed('final')).toEqual([]);
  });

  it('left the host alone: nothing written to /usr, /etc or /var, no Portage state on the host', () => {
    const l = need();
    expect(l.hostWrites()).toEqual([]);
    expect(l.hostChanges()).toEqual([]);
  });
});
