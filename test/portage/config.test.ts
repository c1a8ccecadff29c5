import { readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failed, ok, portageErrors } from './support/lab.js';
import { CHOST, lazyLab, type Role } from './support/prefix.js';

// Real Portage reads the config setup_prefix generates for both roots (see README.md).
const { prefix: pfx, cleanup } = lazyLab();
afterAll(cleanup);

const ROLES: readonly Role[] = ['staging', 'final'];
const PROFILE = 'default/linux/amd64/23.0/no-multilib/prefix/kernel-3.2+';

describe('the generated Portage config, read by real Portage', () => {
  it('runs against a Portage source checkout (PORTAGE_SRC)', () => {
    const r = ok(pfx().lab.run(['emerge', '--version']));
    expect(r.stdout).toMatch(/^Portage /m);
  });

  it('setup_prefix --config_only wrote both roots, linked the newest prefix profile and made the wrappers', () => {
    const p = pfx();
    for (const role of ROLES) {
      const etc = join(p.eroot(role), 'etc/portage');
      expect(readlinkSync(join(etc, 'make.profile'))).toBe(join(p.lab.mainRepo, 'profiles', PROFILE));
      expect(readFileSync(join(etc, 'make.conf'), 'utf8')).toContain(`CHOST="${CHOST}"`);
    }
    for (const tool of ['emerge', 'ebuild', 'portageq', 'emaint']) {
      const r = ok(p.runWrapper(tool, ['--help']), `${tool} wrapper --help`);
      expect(r.stdout).toContain(`EPREFIX:       ${p.eprefix}`);
    }
  });

  it.each(ROLES)('emerge --info in %s accepts the profile and prints no Portage errors', (role) => {
    const p = pfx();
    const r = ok(p.portage(role, ['emerge', '--info']), `emerge --info in ${role}`);
    expect(portageErrors(r)).toEqual([]);
    expect(r.stdout).not.toContain('profile is invalid');
    // The header names the profile relative to the repo's profiles/ directory.
    expect(r.stdout.split('\n')[0]).toContain(`, ${PROFILE},`);
    expect(r.stdout).toMatch(new RegExp(`^CHOST="${CHOST}"$`, 'm'));
  });

  it.each(ROLES)('portageq envvar in %s sees the make.conf values prefixkit wrote', (role) => {
    const p = pfx();
    const dir = role === 'staging' ? p.stagingDir : p.finalDir;
    const v = p.envvars(role, ['CHOST', 'PKGDIR', 'EMERGE_DEFAULT_OPTS', 'ACCEPT_KEYWORDS', 'PORTAGE_TMPDIR', 'PORT_LOGDIR',
      'DISTDIR', 'PORTAGE_BINHOST', 'MAKEOPTS', 'ARCH', 'EPREFIX', 'EROOT', 'USE']);
    expect(v).toMatchObject({
      CHOST,
      // Both roots share staging's PKGDIR: staging writes binary packages, final installs them.
      PKGDIR: p.pkgdir,
      EMERGE_DEFAULT_OPTS: role === 'staging' ? '--buildpkg' : '--usepkgonly',
      // The standalone prefix profile enables ~amd64; make.conf's "amd64 -~amd64" takes it back.
      ACCEPT_KEYWORDS: 'amd64',
      PORTAGE_TMPDIR: join(dir, 'tmp'),
      PORT_LOGDIR: join(dir, 'logs'),
      // setup_prefix asked the build host's Portage (the fake SDK) for its DISTDIR.
      DISTDIR: join(p.lab.sdk, 'var/cache/distfiles'),
      PORTAGE_BINHOST: '',
      MAKEOPTS: `--jobs=${availableParallelism()}`,
      ARCH: 'amd64',
      EPREFIX: p.eprefix,
      EROOT: `${p.eroot(role)}/`,
    });
    // The profile turns nls and openmp on; make.conf's USE turns them off again.
    expect(v.USE!.split(' ')).not.toContain('nls');
    expect(v.USE!.split(' ')).not.toContain('openmp');
  });

  it.each(ROLES)('the repos of repos.conf are all known in %s, with prefix-overlay first', (role) => {
    const p = pfx();
    const repos = ok(p.portage(role, ['portageq', 'get_repos', p.eroot(role)])).stdout.trim().split(/\s+/);
    expect(repos).toEqual(expect.arrayContaining(['portage-stable', 'coreos-overlay', 'prefix']));
    for (const [name, dir] of [['portage-stable', 'gentoo-subset'], ['coreos-overlay', 'flatcar-overlay'], ['prefix', 'prefix-overlay']]) {
      const r = ok(p.portage(role, ['portageq', 'get_repo_path', p.eroot(role), name!]));
      expect(r.stdout.trim()).toBe(join(p.lab.scripts, 'repos', dir!));
    }
    // emerge --info lists only valid repos, with their priorities.
    const info = ok(p.portage(role, ['emerge', '--info'])).stdout;
    const section = info.slice(info.indexOf('Repositories:'), info.search(/^ACCEPT_KEYWORDS=/m));
    const listed = [...section.matchAll(/^(\S+)\n\s+location: (.*)\n(?:\s+masters: .*\n)?(?:\s+priority: (.*)\n)?/gm)]
      .map(([, name, location, priority]) => ({ name, location, priority: priority ?? '0' }));
    expect(listed).toEqual([
      { name: 'portage-stable', location: join(p.lab.scripts, 'repos/gentoo-subset'), priority: '-1000' },
      { name: 'coreos-overlay', location: join(p.lab.scripts, 'repos/flatcar-overlay'), priority: '0' },
      { name: 'prefix', location: join(p.lab.scripts, 'repos/prefix-overlay'), priority: '1000' },
    ]);
  });

  it.each(ROLES)('masks and keywords in %s pick the prefix-capable packages', (role) => {
    const p = pfx();
    const best = (atom: string) => p.portage(role, ['portageq', 'best_visible', p.eroot(role), 'ebuild', atom]);
    const repoOf = (cpv: string) => ok(p.portage(role, ['portageq', 'metadata', p.eroot(role), 'ebuild', cpv, 'repository'])).stdout.trim();
    // prefixkit's package.mask hides coreos-overlay's versions (the skel's "::coreos" lines match nothing).
    expect(ok(best('app-misc/ca-certificates')).stdout.trim()).toBe('app-misc/ca-certificates-20230311.3.93');
    expect(repoOf('app-misc/ca-certificates-20230311.3.93')).toBe('prefix');
    expect(ok(best('sys-apps/baselayout')).stdout.trim()).toBe('sys-apps/baselayout-2.14');
    expect(repoOf('sys-apps/baselayout-2.14')).toBe('prefix');
    // package.accept_keywords lets the testing Portage in; other testing packages stay out.
    expect(ok(best('sys-apps/portage')).stdout.trim()).toBe('sys-apps/portage-3.0.82');
    expect(failed(best('app-misc/unstable')).stdout.trim()).toBe('');
    expect(ok(best('prefix/prefix-final')).stdout.trim()).toBe('prefix/prefix-final-0.0.1');
  });

  it('left the host alone: nothing written to /usr, /etc or /var, no Portage state on the host', () => {
    const l = pfx().lab;
    expect(l.hostWrites()).toEqual([]);
    expect(l.hostChanges()).toEqual([]);
  });
});
