import { lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePrefixConfig } from '../../../src/prefix/config.js';
import { makeConf, reposConf } from '../../../src/prefix/portage.js';
import { PORTAGE_TOOLS, renderWrapper } from '../../../src/wrappers/tools.js';
import { gccLibFiles, makeGccBinpkg } from '../../support/binpkg.js';
import { PrefixHost, type Call } from '../../support/prefix-host.js';
import { listTree, snapshot } from '../../support/tree.js';

const EPREFIX = '/usr/local/python';
const GCC = 'sys-devel/gcc-13.3.1_p20240614';

/** Everything on the scratch host that setup_prefix may change, as data. */
const hostState = (h: PrefixHost) => ({ scripts: snapshot(h.sr.dir, ['fakebin']), build: snapshot(h.build), usr: snapshot(h.upper) });

describe('setup_prefix end to end (amd64-usr, gpkg, Portage host)', () => {
  // SYSROOT in the caller's environment must not leak into any phase.
  const h = new PrefixHost({ SYSROOT: '/leaked-sysroot', FAKE_HOST_DISTDIR: '/var/cache/sdk-distfiles' });
  const staging = join(h.build, 'prefix-amd64-usr/python');
  const stagingRoot = join(staging, 'root');
  const final = join(h.sr.dir, '__prefix__/amd64-usr/python');
  const finalRoot = join(final, 'root');
  const crossPortage = join(h.upper, 'x86_64-cros-linux-gnu/etc/portage');
  const args = ['--staging_dir', staging, 'python', EPREFIX];
  let before: ReturnType<typeof hostState>;
  let setup: ReturnType<PrefixHost['cli']>;

  beforeAll(() => {
    // The SDK's cross sysroot as it was: its own profile link and repos.conf.
    mkdirSync(join(crossPortage, 'repos.conf'), { recursive: true });
    symlinkSync('/mnt/host/source/src/third_party/coreos-overlay/profiles/coreos/amd64/sdk', join(crossPortage, 'make.profile'));
    writeFileSync(join(crossPortage, 'repos.conf/coreos-overlay.conf'), '[coreos-overlay]\nlocation = /somewhere\n');
    // A file of the same name from an earlier attempt: replaced, backed up, put back on --uninstall.
    writeFileSync(join(crossPortage, 'repos.conf/prefixkit-python.conf'), '# left by an earlier attempt\n', { mode: 0o600 });
    h.env.FAKE_GCC_PKGDIR = makeGccBinpkg(h.base, { cpv: GCC, eprefix: EPREFIX, chost: 'x86_64-cros-linux-gnu', format: 'gpkg', layout: 'multi-instance' });
    before = hostState(h);
    setup = h.cli(args);
  });
  afterAll(() => h.cleanup());

  it('succeeds and says which wrappers to use and how to put them on PATH', () => {
    expect(setup.stderr).toContain(`Done. Use 'emerge-prefix-python-amd64-usr' to emerge packages into the prefix; the final root is ${finalRoot}.`);
    expect(setup.stderr).toContain(`${h.sr.dir}/wrappers is not on your PATH; add it with: export PATH="${h.sr.dir}/wrappers:$PATH"`);
    expect(setup.stderr).toMatch(/cb-bootstrap: Stage complete! :-\)/);
    expect(setup.stderr).toContain(`Wrappers in ${h.sr.dir}/wrappers: emerge-prefix-python-amd64-usr and ebuild-, portageq-, equery-, qlist-, qfile-, qcheck-, emaint-, eclean-, glsa-check-prefix-python-amd64-usr\n`);
    expect(setup.status, setup.stderr).toBe(0);
  });

  it('runs the Gentoo tools with exactly these arguments and environments', () => {
    const calls = h.calls();
    const eroot = stagingRoot + EPREFIX;
    const stagingEnv = { ROOT: stagingRoot, SYSROOT: stagingRoot, PORTAGE_CONFIGROOT: eroot, EPREFIX, CROSS_BOSS: join(h.sr.dir, 'cross-boss'), CROSS_CMD: 'emerge' };
    expect(calls).toEqual<Call[]>([
      { tool: 'portageq', argv: ['envvar', 'DISTDIR'], env: {}, cwd: h.sr.dir },
      { tool: 'emerge', argv: ['--newuse', 'sys-apps/bubblewrap'], env: {}, cwd: h.sr.dir },
      { tool: 'emerge', argv: ['--newuse', '--oneshot', '>=dev-python/gpep517-15'], env: {}, cwd: h.sr.dir },
      { tool: 'cb-bootstrap', argv: [stagingRoot], env: { EPREFIX }, cwd: h.sr.dir },
      { tool: 'portageq', argv: ['best_version', eroot, 'sys-devel/gcc'], env: { ROOT: stagingRoot, PORTAGE_CONFIGROOT: eroot, EPREFIX }, cwd: h.sr.dir },
      { tool: 'emerge', argv: ['--buildpkg', 'prefix/prefix-final'], env: stagingEnv, cwd: h.sr.dir },
      { tool: 'emerge', argv: ['--usepkgonly', 'prefix/prefix-final'], env: { ROOT: finalRoot, PORTAGE_CONFIGROOT: finalRoot + EPREFIX, EPREFIX }, cwd: h.sr.dir },
    ]);
  });

  it('writes both roots\' Portage config, the profile link and the skel', async () => {
    const cfg = await resolvePrefixConfig({ name: 'python', eprefix: EPREFIX, staging_dir: staging }, { root: true, portageHost: true, distdir: '/var/cache/sdk-distfiles', cpus: availableParallelism(), path: [] }, h.sr.dir);
    const profile = join(h.sr.dir, 'repos/gentoo-subset/profiles/default/linux/amd64/23.0/no-multilib/prefix/kernel-3.2+');
    for (const [role, root] of [['staging', stagingRoot], ['final', finalRoot]] as const) {
      const etc = join(root, EPREFIX, 'etc/portage');
      expect(listTree(etc)).toEqual([
        'make.conf', 'make.profile', 'package.accept_keywords', 'package.accept_keywords/portage', 'package.accept_keywords/prefix', 'package.accept_keywords/prefixkit',
        'package.mask', 'package.mask/coreos', 'package.mask/prefixkit', 'repos.conf', 'repos.conf/prefixkit.conf',
      ]);
      expect(readFileSync(join(etc, 'make.conf'), 'utf8')).toBe(makeConf(cfg, role));
      expect(readFileSync(join(etc, 'make.conf'), 'utf8')).toContain(`DISTDIR="/var/cache/sdk-distfiles"\nPKGDIR="${staging}/pkgs"\n`);
      expect(readFileSync(join(etc, 'repos.conf/prefixkit.conf'), 'utf8')).toBe(reposConf(cfg));
      expect(readlinkSync(join(etc, 'make.profile'))).toBe(profile);
      for (const f of ['make.conf', 'repos.conf/prefixkit.conf', 'package.mask/prefixkit']) expect(lstatSync(join(etc, f)).mode & 0o7777).toBe(0o644);
      expect(readFileSync(join(etc, 'package.mask/prefixkit'), 'utf8')).toContain('sys-apps/baselayout::coreos-overlay\n');
    }
    expect(setup.stderr).toContain('skel package.mask/coreos:1 names repo "coreos", which this prefix does not have; that line matches nothing');
  });

  it('creates the directories and extracts only GCC\'s run-time libraries into final', () => {
    expect(listTree(staging).filter((p) => !p.startsWith('root/'))).toEqual(expect.arrayContaining(['logs', 'logs/cb-bootstrap.log', 'pkgs', 'root', 'tmp']));
    expect(readFileSync(join(staging, 'logs/cb-bootstrap.log'), 'utf8')).toBe(`Syncing /usr/x86_64-cros-linux-gnu/etc/portage/make.profile with ${stagingRoot}${EPREFIX}/etc/portage/make.profile.
Emerging sys-apps/baselayout ...\nEmerging @system ...\nStage complete! :-)\n`);
    const lib64 = join(finalRoot, EPREFIX, 'usr/lib64');
    expect(listTree(lib64)).toEqual(gccLibFiles());
    expect(lstatSync(join(final, 'logs')).isDirectory()).toBe(true);
    expect(readFileSync(join(final, 'logs/final-init.log'), 'utf8')).toContain('>>> Installing into final');
  });

  it('generates all ten wrappers, executable, exactly as rendered', async () => {
    const cfg = await resolvePrefixConfig({ name: 'python', eprefix: EPREFIX, staging_dir: staging }, { root: true, portageHost: true, cpus: 1, path: [] }, h.sr.dir);
    expect(listTree(join(h.sr.dir, 'wrappers'))).toEqual(PORTAGE_TOOLS.map((t) => `${t}-prefix-python-amd64-usr`).sort());
    for (const tool of PORTAGE_TOOLS) {
      const path = join(h.sr.dir, 'wrappers', `${tool}-prefix-python-amd64-usr`);
      expect(lstatSync(path).mode & 0o7777).toBe(0o755);
      expect(readFileSync(path, 'utf8')).toBe(renderWrapper(tool, cfg));
    }
  });

  it('adds the prefix repos to the board\'s cross sysroot only, and records what it found there', () => {
    expect(readFileSync(join(crossPortage, 'repos.conf/prefixkit-python.conf'), 'utf8')).toContain(`[prefix]\nlocation = ${h.sr.dir}/repos/prefix-overlay\npriority = 1000\n`);
    // cb-bootstrap re-pointed the cross sysroot profile, as the real one does.
    expect(readlinkSync(join(crossPortage, 'make.profile'))).toBe(join(h.sr.dir, 'repos/gentoo-subset/profiles/default/linux/amd64/23.0/no-multilib/prefix/kernel-3.2+'));
    expect(listTree(h.upper).filter((p) => p.startsWith('aarch64'))).toEqual([]);
    const m = JSON.parse(readFileSync(join(h.sr.dir, '__prefix__/.prefixkit/amd64-usr/python/manifest.json'), 'utf8'));
    expect(m).toMatchObject({
      version: 1, name: 'python', board: 'amd64-usr', eprefix: EPREFIX, status: 'complete', trees: [staging, final],
      wrappers: PORTAGE_TOOLS.map((t) => join(h.sr.dir, 'wrappers', `${t}-prefix-python-amd64-usr`)),
      host: [
        { path: '/usr/x86_64-cros-linux-gnu/etc', before: { type: 'dir', mode: 0o755 } },
        { path: '/usr/x86_64-cros-linux-gnu/etc/portage', before: { type: 'dir', mode: 0o755 } },
        { path: '/usr/x86_64-cros-linux-gnu/etc/portage/repos.conf', before: { type: 'dir', mode: 0o755 } },
        { path: '/usr/x86_64-cros-linux-gnu/etc/portage/repos.conf/prefixkit-python.conf', before: { type: 'file', mode: 0o600 }, backup: 'backup/3' },
        { path: '/usr/x86_64-cros-linux-gnu/etc/portage/make.profile', before: { type: 'symlink', target: '/mnt/host/source/src/third_party/coreos-overlay/profiles/coreos/amd64/sdk' } },
      ],
    });
    // Parents it created are removed only when empty, deepest first.
    expect(m.dirs).toEqual([...m.dirs].sort((a: string, b: string) => b.length - a.length));
    expect([...m.dirs].sort()).toEqual([join(h.build, 'prefix-amd64-usr'), ...['__prefix__', '__prefix__/.prefixkit', '__prefix__/.prefixkit/amd64-usr',
      '__prefix__/.prefixkit/amd64-usr/python', '__prefix__/amd64-usr', 'wrappers'].map((d) => join(h.sr.dir, d))].sort());
    expect(readFileSync(join(h.sr.dir, '__prefix__/.prefixkit/amd64-usr/python/backup/3'), 'utf8')).toBe('# left by an earlier attempt\n');
    expect(Object.keys(m.steps)).toEqual(['directories', 'portage-config', 'host-prerequisites', 'cross-sysroot-repos', 'bootstrap-staging', 'gcc-libs', 'wrappers', 'final-init']);
  });

  describe('the emerge wrapper', () => {
    const W = 'emerge-prefix-python-amd64-usr';
    const stagingEnv = { ROOT: stagingRoot, SYSROOT: stagingRoot, PORTAGE_CONFIGROOT: stagingRoot + EPREFIX, EPREFIX, CROSS_BOSS: join(h.sr.dir, 'cross-boss'), CROSS_CMD: 'emerge' };
    const finalEnv = { ROOT: finalRoot, PORTAGE_CONFIGROOT: finalRoot + EPREFIX, EPREFIX };
    // The wrapper always names the phase's binpkg option itself, whatever EMERGE_DEFAULT_OPTS says.
    const staged = (...argv: string[]): Call => ({ tool: 'emerge', argv: ['--buildpkg', ...argv], env: stagingEnv, cwd: h.sr.dir });
    const installed = (...argv: string[]): Call => ({ tool: 'emerge', argv: ['--usepkgonly', ...argv], env: finalEnv, cwd: h.sr.dir });

    it('builds in staging, then installs into final, with the same arguments', () => {
      const r = h.wrapper(W, ['-av', '--jobs=2', 'app-misc/jq']);
      expect(r.status, r.stderr).toBe(0);
      expect(h.calls()).toEqual([staged('-av', '--jobs=2', 'app-misc/jq'), installed('-av', '--jobs=2', 'app-misc/jq')]);
      expect(r.stderr).toContain(`>>> Building in staging: ${stagingRoot}\n`);
      expect(r.stderr).toContain(`>>> Installing into final: ${finalRoot}\n`);
    });

    it('--stage only builds, --install only installs', () => {
      expect(h.wrapper(W, ['--stage', 'app-misc/jq']).status).toBe(0);
      expect(h.calls()).toEqual([staged('app-misc/jq')]);
      const r = h.wrapper(W, ['--install', 'app-misc/jq'], { EMERGE_DEFAULT_OPTS: '--quiet-build' });
      expect(r.status).toBe(0);
      expect(h.calls()).toEqual([installed('app-misc/jq')]);
      expect(r.stderr).toContain('>>> Skipping the staging build (--install)');
    });

    it('a failed staging build exits non-zero and installs nothing', () => {
      const r = h.wrapper(W, ['app-misc/jq'], { FAKE_FAIL: 'emerge' });
      expect(r.status).toBe(3);
      expect(h.calls()).toEqual([staged('app-misc/jq')]);
      expect(r.stderr).toContain(`${W}: the staging build failed (exit 3); nothing was installed into final`);
    });

    it('a pretend run plans the build only: final has no binary packages to plan with yet', () => {
      for (const pretend of ['-pv', '--pretend', '-vp']) {
        const r = h.wrapper(W, [pretend, 'app-misc/jq']);
        expect(r.status).toBe(0);
        expect(h.calls()).toEqual([staged(pretend, 'app-misc/jq')]);
        expect(r.stderr).toContain(`>>> Skipping the install into final (--pretend: the install into final can only be planned once the packages are built; then run ${W} --install --pretend ...)`);
      }
      expect(h.wrapper(W, ['--install', '-p', 'app-misc/jq']).status).toBe(0);
      expect(h.calls()).toEqual([installed('-p', 'app-misc/jq')]);
    });

    it('a failed install exits non-zero too', () => {
      expect(h.wrapper(W, ['--install', 'app-misc/jq'], { FAKE_FAIL: 'emerge' }).status).toBe(3);
      expect(h.calls()).toHaveLength(1);
    });

    it('without arguments prints usage and exits 2; --help prints usage and the prefix', () => {
      const none = h.wrapper(W, []);
      expect([none.status, none.stdout]).toEqual([2, '']);
      expect(none.stderr).toContain(`Usage: ${W} [--stage|--install] <emerge arguments>`);
      const stageOnly = h.wrapper(W, ['--stage']);
      expect([stageOnly.status, stageOnly.stderr]).toEqual([2, `${W}: no emerge arguments given, e.g. ${W} --stage app-misc/jq\n`]);
      const help = h.wrapper(W, ['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`  EPREFIX:       ${EPREFIX}\n  staging root:  ${stagingRoot}\n  final root:    ${finalRoot}\n`);
      expect(h.calls()).toEqual([]);
    });
  });

  describe('the other Portage wrappers', () => {
    it.each(PORTAGE_TOOLS.filter((t) => t !== 'emerge'))('%s acts on final, or on staging with --staging', (tool) => {
      const W = `${tool}-prefix-python-amd64-usr`;
      expect(h.wrapper(W, ['-x', 'a b']).status).toBe(0);
      expect(h.calls()).toEqual([{ tool, argv: ['-x', 'a b'], env: { ROOT: finalRoot, PORTAGE_CONFIGROOT: finalRoot + EPREFIX, EPREFIX }, cwd: h.sr.dir }]);
      expect(h.wrapper(W, ['--staging', '-y']).status).toBe(0);
      const stagingEnv = { ROOT: stagingRoot, SYSROOT: stagingRoot, PORTAGE_CONFIGROOT: stagingRoot + EPREFIX, EPREFIX };
      expect(h.calls()).toEqual([{ tool, argv: ['-y'], cwd: h.sr.dir,
        env: tool === 'ebuild' ? { ...stagingEnv, CROSS_BOSS: join(h.sr.dir, 'cross-boss'), CROSS_CMD: 'ebuild' } : stagingEnv }]);
      expect(h.wrapper(W, ['-z'], { FAKE_FAIL: tool }).status).toBe(3);
      expect(h.calls()).toHaveLength(1);
      const help = h.wrapper(W, ['--help']);
      expect(help.stdout).toContain(`Usage: ${W} [--staging] <${tool} arguments>`);
      expect(h.calls()).toEqual([]);
    });
  });

  describe('after setup', () => {
    it('refuses to set up the same prefix again without --force', () => {
      const r = h.cli(args);
      expect([r.status, r.stderr]).toEqual([2, `setup_prefix: prefix python (amd64-usr) already exists in ${final}: use --force to re-create it, --config_only to refresh its config and wrappers, or --uninstall\n`]);
    });

    it('--config_only refreshes config and wrappers and runs nothing else', () => {
      const wrapper = join(h.sr.dir, 'wrappers/qlist-prefix-python-amd64-usr');
      const conf = join(finalRoot, EPREFIX, 'etc/portage/make.conf');
      const want = readFileSync(conf, 'utf8');
      rmSync(wrapper);
      writeFileSync(conf, 'garbage\n');
      h.calls();
      const r = h.cli(['--config_only', ...args]);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(conf, 'utf8')).toBe(want);
      expect(lstatSync(wrapper).mode & 0o777).toBe(0o755);
      expect(h.calls().map((c) => `${c.tool} ${c.argv.join(' ')}`)).toEqual(['portageq envvar DISTDIR']);
    });

    it('prefix list shows it', () => {
      const r = h.cli(['prefix', 'list'], {}, 'prefixkit');
      expect(r.stdout).toMatch(new RegExp(`^NAME +BOARD +EPREFIX +STATUS +FINAL ROOT\npython +amd64-usr +${EPREFIX} +complete +${finalRoot}\n$`));
      const json = JSON.parse(h.cli(['prefix', 'list', '--json'], {}, 'prefixkit').stdout);
      expect(json).toEqual([{ name: 'python', board: 'amd64-usr', eprefix: EPREFIX, status: 'complete', stagingDir: staging, finalDir: final, wrapperDir: join(h.sr.dir, 'wrappers') }]);
    });

    it('--uninstall NAME alone restores the host byte for byte', () => {
      const dry = h.cli(['--uninstall', '--dry-run', 'python']);
      expect(dry.status).toBe(0);
      expect(dry.stdout).toContain(`restore /usr/x86_64-cros-linux-gnu/etc/portage/make.profile -> /mnt/host/source/src/third_party/coreos-overlay/profiles/coreos/amd64/sdk`);
      const r = h.cli(['--uninstall', 'python']);
      expect(r.status, r.stderr).toBe(0);
      expect(hostState(h)).toEqual(before);
    });
  });
});

describe('setup_prefix end to end (arm64-usr, xpak, no Portage host): resume, --force, foreign dirs', () => {
  const h = new PrefixHost();
  const staging = join(h.build, 'arm64/python');
  const final = join(h.build, 'final/python');
  const args = ['--board', 'arm64-usr', '--staging_dir', staging, '--final_dir', final, 'python', EPREFIX];
  let before: ReturnType<typeof hostState>;

  beforeAll(() => {
    // A cross sysroot without any Portage config yet: everything under etc/ is prefixkit's.
    mkdirSync(join(h.upper, 'aarch64-cros-linux-gnu/usr'), { recursive: true });
    h.env.FAKE_GCC_PKGDIR = makeGccBinpkg(h.base, { cpv: GCC, eprefix: EPREFIX, chost: 'aarch64-cros-linux-gnu', format: 'xpak', layout: 'flat' });
    h.env.FAKE_NOT_PORTAGE_HOST = '1';
    before = hostState(h);
  });
  afterAll(() => h.cleanup());

  it('--dry-run changes nothing and prints the plan', () => {
    const r = h.cli(['--dry-run', ...args]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Plan: prefix python (arm64-usr, EPREFIX ${EPREFIX})\n`);
    expect(r.stdout).toContain('3. cross-sysroot-repos: Adding the prefix repos to the cross sysroot /usr/aarch64-cros-linux-gnu\n');
    expect(hostState(h)).toEqual(before);
  });

  it('stops at a failing step, naming it and its log, and continues from there when run again', () => {
    h.calls();
    const failed = h.cli(args, { FAKE_FAIL: 'cb-bootstrap' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`setup_prefix: step "bootstrap-staging" failed: "${join(h.sr.dir, 'cross-boss/bin/cb-bootstrap')} ${join(staging, 'root')}" exited 3:\ncb-bootstrap: failing as asked (FAKE_FAIL)\n  log: ${staging}/logs/cb-bootstrap.log\n`);
    expect(readFileSync(join(staging, 'logs/cb-bootstrap.log'), 'utf8')).toBe('cb-bootstrap: failing as asked (FAKE_FAIL)\n');
    expect(h.calls().map((c) => c.tool)).toEqual(['portageq', 'cb-bootstrap']);
    const m = JSON.parse(readFileSync(join(h.sr.dir, '__prefix__/.prefixkit/arm64-usr/python/manifest.json'), 'utf8'));
    expect([m.status, Object.keys(m.steps)]).toEqual(['incomplete', ['directories', 'portage-config', 'cross-sysroot-repos']]);

    const again = h.cli(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('Continuing prefix python: 3 step(s) finished before are skipped\n');
    expect(again.stderr).toContain('==> [1/7] directories: Creating the staging and final directories (done before, skipped)\n');
    expect(again.stderr).toContain('==> [4/7] bootstrap-staging: Bootstrapping the staging root');
    expect(h.calls().map((c) => `${c.tool} ${c.argv[0]}`)).toEqual(['portageq envvar', 'cb-bootstrap ' + join(staging, 'root'), 'portageq best_version', 'emerge --buildpkg', 'emerge --usepkgonly']);
    expect(listTree(join(final, 'root', EPREFIX, 'usr/lib64'))).toEqual(gccLibFiles());
  });

  it('created the cross sysroot config it needed and recorded it', () => {
    expect(listTree(join(h.upper, 'aarch64-cros-linux-gnu'))).toEqual(['etc', 'etc/portage', 'etc/portage/make.profile', 'etc/portage/repos.conf', 'etc/portage/repos.conf/prefixkit-python.conf', 'usr']);
    expect(listTree(h.upper).some((p) => p.startsWith('x86_64'))).toBe(false);
  });

  it('--config_only needs only the name: the other flags come from the manifest', () => {
    const conf = join(final, 'root', EPREFIX, 'etc/portage/make.conf');
    const want = readFileSync(conf, 'utf8');
    writeFileSync(conf, 'garbage\n');
    const r = h.cli(['--config_only', '--board', 'arm64-usr', 'python']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(conf, 'utf8')).toBe(want);
    expect(want).toContain(`PORT_LOGDIR="${final}/logs"`);
  });

  it('--force re-creates the prefix from scratch', () => {
    writeFileSync(join(final, 'root', EPREFIX, 'leftover'), 'x');
    const r = h.cli(['--force', ...args]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: --force: removing prefix python (arm64-usr) before re-creating it\n');
    expect(listTree(join(final, 'root', EPREFIX))).not.toContain('leftover');
    expect(h.calls().filter((c) => c.tool === 'cb-bootstrap')).toHaveLength(1);
  });

  it('--uninstall restores the host byte for byte, including the directories it created', () => {
    const r = h.cli(['--uninstall', 'python']);
    expect(r.status, r.stderr).toBe(0);
    expect(hostState(h)).toEqual(before);
  });

  it('two prefixes of one board share the cross sysroot; the last one removed restores it', () => {
    const tools = ['--board', 'arm64-usr', '--staging_dir', join(h.build, 'arm64/tools'), '--final_dir', join(h.build, 'final/tools'), 'tools', EPREFIX];
    for (const a of [args, tools]) expect(h.cli(a).status).toBe(0);
    const sysroot = join(h.upper, 'aarch64-cros-linux-gnu/etc/portage');
    expect(listTree(join(sysroot, 'repos.conf'))).toEqual(['prefixkit-python.conf', 'prefixkit-tools.conf']);

    const dry = h.cli(['--uninstall', '--dry-run', 'python']);
    expect(dry.stdout).toContain('keep /usr/aarch64-cros-linux-gnu/etc/portage/make.profile: prefix tools (arm64-usr) still uses it\n');
    expect(dry.stdout).toContain('remove /usr/aarch64-cros-linux-gnu/etc/portage/repos.conf/prefixkit-python.conf (prefixkit created it)\n');
    expect(h.cli(['--uninstall', 'python']).status).toBe(0);
    expect(listTree(sysroot)).toEqual(['make.profile', 'repos.conf', 'repos.conf/prefixkit-tools.conf']);
    expect(h.cli(['--uninstall', 'tools']).status).toBe(0);
    expect(hostState(h)).toEqual(before);
  });

  it('never takes over a directory it did not create, not even with --force', () => {
    mkdirSync(join(staging, 'precious'), { recursive: true });
    for (const extra of [[], ['--force']]) {
      const r = h.cli([...extra, ...args]);
      expect([r.status, r.stderr]).toEqual([2, `setup_prefix: staging directory ${staging} already exists and was not created by prefixkit: remove it yourself or choose another --staging_dir\n`]);
    }
    expect(listTree(staging)).toEqual(['precious']);
    rmSync(join(h.build, 'arm64'), { recursive: true });
  });

  it('reports an unknown prefix on --uninstall', () => {
    const r = h.cli(['--uninstall', 'nope']);
    expect([r.status, r.stderr]).toEqual([2, `setup_prefix: no prefix named nope under ${h.sr.dir} (see \`prefixkit prefix list --scripts_root ${h.sr.dir}\`)\n`]);
  });
});
