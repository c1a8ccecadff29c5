import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failed, meaningful, ok } from './support/lab.js';
import { lazyLab, vdb } from './support/prefix.js';

// The generated wrappers drive real Portage through both phases (see README.md).
const { prefix: pfx, cleanup } = lazyLab();
afterAll(cleanup);

const file = (root: string, rel: string) => join(root, rel);

describe('the generated wrappers, running real Portage', () => {
  it('runs against a Portage source checkout (PORTAGE_SRC)', () => {
    pfx();
  });

  it('emerge wrapper: no arguments is a usage error, --help prints the prefix', () => {
    const p = pfx();
    const none = p.runWrapper('emerge', []);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('Usage:');
    const help = ok(p.runWrapper('emerge', ['--help']));
    expect(help.stdout).toContain(`staging root:  ${p.root('staging')}`);
    expect(help.stdout).toContain(`final root:    ${p.root('final')}`);
  });

  it('--stage builds in staging only: binpkgs (gpkg) for the app and its deps, DEPEND in staging, BDEPEND on the build host', () => {
    const p = pfx();
    const r = ok(p.runWrapper('emerge', ['--stage', 'app-misc/hello']), 'emerge wrapper --stage app-misc/hello');
    expect(r.stderr).toContain('Skipping the install into final (--stage)');
    expect(p.installed('staging')).toEqual(['app-misc/hello-1', 'dev-libs/libbuildonly-1', 'dev-libs/libfoo-1']);
    expect(p.binpkgs()).toEqual([
      'app-misc/hello/hello-1-1.gpkg.tar', 'dev-libs/libbuildonly/libbuildonly-1-1.gpkg.tar', 'dev-libs/libfoo/libfoo-1-1.gpkg.tar',
    ]);
    // The build tool ran from BROOT, the build host (here the fake SDK), and was installed only there.
    const s = p.eroot('staging');
    expect(readFileSync(file(s, 'usr/share/hello/hello.txt'), 'utf8')).toBe('built by buildtool: hello\n');
    expect(vdb(join(p.lab.sdk, 'var/db/pkg'))).toEqual(['dev-util/buildtool-1']);
    expect(existsSync(join(p.lab.sdk, 'usr/bin/prefixkit-buildtool'))).toBe(true);
    // Files and the vdb live below EPREFIX in the root, nothing at the root's top.
    expect(existsSync(file(s, 'usr/include/buildonly.h'))).toBe(true);
    expect(existsSync(join(p.root('staging'), 'var/db/pkg'))).toBe(false);
    expect(existsSync(join(p.root('staging'), 'usr/bin'))).toBe(false);
    expect(p.installed('final')).toEqual([]);
  });

  it('--install installs only the run-time closure into final, from the binpkgs, building nothing', () => {
    const p = pfx();
    const before = p.binpkgs();
    const r = ok(p.runWrapper('emerge', ['--install', 'app-misc/hello']), 'emerge wrapper --install app-misc/hello');
    expect(r.stderr).toContain('Skipping the staging build (--install)');
    expect(r.stdout).toMatch(/Emerging binary \(1 of 2\) dev-libs\/libfoo-1/);
    expect(p.installed('final')).toEqual(['app-misc/hello-1', 'dev-libs/libfoo-1']);
    const f = p.eroot('final');
    expect(readFileSync(file(f, 'usr/lib64/libfoo.so.1'), 'utf8')).toBe('libfoo run-time library\n');
    expect(existsSync(file(f, 'usr/bin/hello'))).toBe(true);
    expect(existsSync(file(f, 'usr/include/buildonly.h'))).toBe(false);
    expect(existsSync(join(f, 'var/db/pkg/app-misc/hello-1/BUILD_ID'))).toBe(true);
    expect(existsSync(join(p.root('final'), 'var/db/pkg'))).toBe(false);
    expect(p.binpkgs()).toEqual(before);
    // Installing binpkgs needs no build tools: the build host got nothing new.
    expect(vdb(join(p.lab.sdk, 'var/db/pkg'))).toEqual(['dev-util/buildtool-1']);
  });

  it('default mode builds in staging, then installs into final (what setup_prefix does with prefix/prefix-final)', () => {
    const p = pfx();
    const r = ok(p.runWrapper('emerge', ['prefix/prefix-final']), 'emerge wrapper prefix/prefix-final');
    const out = meaningful(r.stderr).join('\n');
    expect(out.indexOf('>>> Building in staging')).toBeLessThan(out.indexOf('>>> Installing into final'));
    expect(p.installed('staging')).toEqual(expect.arrayContaining(['prefix/prefix-final-0.0.1', 'virtual/libc-1']));
    expect(p.installed('final')).toEqual(['app-misc/hello-1', 'dev-libs/libfoo-1', 'prefix/prefix-final-0.0.1', 'virtual/libc-1']);
    expect(p.binpkgs()).toEqual(expect.arrayContaining(['prefix/prefix-final/prefix-final-0.0.1-1.gpkg.tar', 'virtual/libc/libc-1-1.gpkg.tar']));
  });

  it('--install fails non-zero when a binpkg is missing', () => {
    const p = pfx();
    const r = failed(p.runWrapper('emerge', ['--install', 'app-misc/srconly']), 'emerge wrapper --install app-misc/srconly');
    expect(`${r.stdout}${r.stderr}`).toContain('there are no binary packages to satisfy "app-misc/srconly"');
    expect(p.installed('final')).not.toContain('app-misc/srconly-1');
  });

  // An EMERGE_DEFAULT_OPTS in the caller's environment replaces make.conf's: the wrapper passes
  // --buildpkg/--usepkgonly itself, so final never builds from source.
  it('--install never builds from source in final, even when the caller exports EMERGE_DEFAULT_OPTS', () => {
    const p = pfx();
    const r = p.runWrapper('emerge', ['--install', 'app-misc/srconly'], { EMERGE_DEFAULT_OPTS: '--quiet-build' });
    expect(p.installed('final')).not.toContain('app-misc/srconly-1');
    failed(r, 'emerge wrapper --install app-misc/srconly with EMERGE_DEFAULT_OPTS=--quiet-build');
  });

  it('a failing staging build makes the wrapper fail and installs nothing into final', () => {
    const p = pfx();
    const final = p.installed('final');
    const r = failed(p.runWrapper('emerge', ['app-misc/broken']), 'emerge wrapper app-misc/broken');
    expect(r.stderr).toContain('the staging build failed (exit 1); nothing was installed into final');
    expect(r.stderr).not.toContain('>>> Installing into final');
    expect(`${r.stdout}${r.stderr}`).toContain('this src_install fails on purpose');
    expect(p.installed('final')).toEqual(final);
    // The build log went to staging's PORT_LOGDIR.
    expect(`${r.stdout}${r.stderr}`).toContain(join(p.stagingDir, 'logs', 'app-misc:broken-1:'));
  });

  it('a failing rebuild does not install the stale binpkg of an earlier build (cb-emerge would exit 0 here)', () => {
    const p = pfx();
    ok(p.runWrapper('emerge', ['--stage', 'app-misc/flaky']), 'emerge wrapper --stage app-misc/flaky');
    expect(p.binpkgs()).toContain('app-misc/flaky/flaky-1-1.gpkg.tar');
    const r = failed(p.runWrapper('emerge', ['app-misc/flaky'], { PREFIXKIT_TEST_FAIL: '1' }), 'emerge wrapper app-misc/flaky');
    expect(`${r.stdout}${r.stderr}`).toContain('failing because PREFIXKIT_TEST_FAIL is set');
    expect(p.installed('final')).not.toContain('app-misc/flaky-1');
  });

  it('portageq wrapper queries final, and staging with --staging', () => {
    const p = pfx();
    const q = (args: string[]) => ok(p.runWrapper('portageq', args), `portageq wrapper ${args.join(' ')}`).stdout.trim();
    expect(q(['envvar', 'EMERGE_DEFAULT_OPTS'])).toBe('--usepkgonly');
    expect(q(['--staging', 'envvar', 'EMERGE_DEFAULT_OPTS'])).toBe('--buildpkg');
    expect(q(['best_visible', p.eroot('final'), 'installed', 'app-misc/hello'])).toBe('app-misc/hello-1');
    expect(q(['--staging', 'match', p.eroot('staging'), 'dev-libs/libbuildonly'])).toBe('dev-libs/libbuildonly-1');
    expect(q(['match', p.eroot('final'), 'dev-libs/libbuildonly'])).toBe('');
    expect(q(['pkgdir'])).toBe(p.pkgdir);
  });

  it('emaint wrapper checks the world file of final, and of staging with --staging', () => {
    const p = pfx();
    ok(p.runWrapper('emaint', ['--check', 'world']), 'emaint wrapper --check world');
    const world = join(p.eroot('final'), 'var/lib/portage/world');
    const saved = readFileSync(world, 'utf8');
    writeFileSync(world, `${saved}app-misc/not-in-any-repo\n`);
    try {
      const r = failed(p.runWrapper('emaint', ['--check', 'world']), 'emaint wrapper --check world (broken world file)');
      expect(r.stdout).toContain("'app-misc/not-in-any-repo' has no available ebuilds");
      ok(p.runWrapper('emaint', ['--staging', '--check', 'world']), 'emaint wrapper --staging --check world');
    } finally {
      writeFileSync(world, saved);
    }
  });

  it('ebuild wrapper: --staging merges through cross-boss into staging; plain runs use final\'s config', () => {
    const p = pfx();
    const ebuild = join(p.lab.mainRepo, 'app-misc/viaebuild/viaebuild-1.ebuild');
    ok(p.runWrapper('ebuild', ['--staging', ebuild, 'clean', 'merge']), 'ebuild wrapper --staging … merge');
    expect(p.installed('staging')).toContain('app-misc/viaebuild-1');
    expect(readFileSync(join(p.eroot('staging'), 'usr/share/viaebuild/marker'), 'utf8')).toBe('merged by ebuild\n');
    expect(p.installed('final')).not.toContain('app-misc/viaebuild-1');
    // On final, ebuild works in final's PORTAGE_TMPDIR (final's make.conf).
    ok(p.runWrapper('ebuild', [ebuild, 'clean', 'setup']), 'ebuild wrapper … setup');
    expect(existsSync(join(p.finalDir, 'tmp/portage/app-misc/viaebuild-1/temp/environment'))).toBe(true);
  });

  it('left the host alone: nothing written to /usr, /etc or /var, no Portage state on the host', () => {
    const l = pfx().lab;
    expect(l.hostWrites()).toEqual([]);
    expect(l.hostChanges()).toEqual([]);
  });
});
