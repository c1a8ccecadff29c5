import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOARDS, type Board } from '../../../src/prefix/boards.js';
import type { PrefixConfig } from '../../../src/prefix/config.js';
import { planSetup } from '../../../src/prefix/plan.js';
import { makeConf, reposConf } from '../../../src/prefix/portage.js';
import { formatPlan, type Action } from '../../../src/util/plan.js';
import { PORTAGE_TOOLS, renderWrapper } from '../../../src/wrappers/tools.js';
import { testHost } from '../../support/prefix.js';

const S = '/src/scripts';
/** A config as resolvePrefixConfig builds it, with fixed paths so texts can be compared exactly. */
const config = (board: Board, over: Partial<PrefixConfig> = {}): PrefixConfig => ({
  settings: {}, name: 'python', eprefix: '/usr/local/python', board, ...BOARDS[board], scriptsRoot: S,
  stagingDir: `/build/prefix-${board}/python`, stagingRoot: `/build/prefix-${board}/python/root`,
  finalDir: `${S}/__prefix__/${board}/python`, finalRoot: `${S}/__prefix__/${board}/python/root`,
  pkgdir: `/build/prefix-${board}/python/pkgs`, crossBossRoot: `${S}/cross-boss`,
  repos: {
    main: { name: 'portage-stable', location: `${S}/repos/gentoo-subset` },
    flatcar: { name: 'coreos-overlay', location: `${S}/repos/flatcar-overlay` },
    prefix: { name: 'prefix', location: `${S}/repos/prefix-overlay`, priority: 1000 },
    custom: [{ name: 'my-overlay', location: '/src/my-overlay' }],
  },
  profile: `${S}/repos/gentoo-subset/profiles/default/linux/${BOARDS[board].arch}/23.0/prefix/kernel-3.2+`,
  wrapperDir: `${S}/wrappers`, distdir: '/var/cache/distfiles', jobs: 4,
  stateDir: `${S}/__prefix__/.prefixkit/${board}/python`, host: testHost, warnings: [], ...over,
});
const noRecord = { recordHost: async () => {}, addWrapper: async () => {} };
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'expected', name), 'utf8');
/** A reviewed wrapper text; the part all wrappers share is kept once, in common.sh. */
const expected = (name: string) => fixture(name).replace('@COMMON@\n', fixture('common.sh'));
const writes = (actions: readonly Action[]) => Object.fromEntries(actions.flatMap((a) => (a.kind === 'write' ? [[a.path, a.content]] : [])));

describe('Portage config text', () => {
  it.each(['amd64-usr', 'arm64-usr'] as const)('make.conf of both roots for %s', (board) => {
    const { chost, keywords } = BOARDS[board];
    const text = (role: string, dir: string, opts: string) => `# Portage configuration of the ${role} root of prefix python (${board}).
# Written by prefixkit; refresh it with \`setup_prefix --config_only --board ${board} python\` in the scripts checkout.
DISTDIR="/var/cache/distfiles"
PKGDIR="/build/prefix-${board}/python/pkgs"
PORT_LOGDIR="${dir}/logs"
PORTAGE_TMPDIR="${dir}/tmp"
PORTAGE_BINHOST=""
PORTAGE_USERNAME="sdk"
MAKEOPTS="--jobs=4"
CHOST="${chost}"

ACCEPT_KEYWORDS="${keywords}"

EMERGE_DEFAULT_OPTS="${opts}"

USE="
-desktop
-installkernel
-llvm
-nls
-openmp
-udev
-wayland
-X
"
`;
    const cfg = config(board);
    expect(makeConf(cfg, 'staging')).toBe(text('staging', `/build/prefix-${board}/python`, '--buildpkg'));
    expect(makeConf(cfg, 'final')).toBe(text('final', `${S}/__prefix__/${board}/python`, '--usepkgonly'));
  });

  it.each(['amd64-usr', 'arm64-usr'] as const)('repos.conf for %s: repo names as the repos say, prefix first in priority', (board) => {
    expect(reposConf(config(board))).toBe(`# Repositories of prefix python (${board}), written by prefixkit.
[DEFAULT]
main-repo = portage-stable

[portage-stable]
location = ${S}/repos/gentoo-subset

[coreos-overlay]
location = ${S}/repos/flatcar-overlay

[prefix]
location = ${S}/repos/prefix-overlay
priority = 1000

[my-overlay]
location = /src/my-overlay
`);
  });

  it('masks and keywords name the real overlay and the board\'s arch', () => {
    const files = writes(planSetup(config('arm64-usr'), noRecord).steps.find((s) => s.name === 'portage-config')!.actions);
    const etc = `${S}/__prefix__/arm64-usr/python/root/usr/local/python/etc/portage`;
    expect(files[`${etc}/package.mask/prefixkit`]).toBe(`# coreos-overlay's versions do not support prefixes; prefix has prefix-capable ones.
app-misc/ca-certificates::coreos-overlay
sys-apps/baselayout::coreos-overlay
`);
    expect(files[`${etc}/package.accept_keywords/prefixkit`]).toBe('# Portage itself needs its testing version in a prefix, on every board.\nsys-apps/portage ~arm64\n');
  });
});

describe('wrapper text', () => {
  it.each(['amd64-usr', 'arm64-usr'] as const)('every wrapper for %s is exactly as reviewed', (board) => {
    const cfg = config(board);
    for (const tool of PORTAGE_TOOLS) {
      const kind = tool === 'emerge' ? 'emerge' : tool === 'ebuild' ? 'ebuild' : 'tool';
      const text = expected(`${kind}.sh`).replaceAll('@TOOL@', tool).replaceAll('@BOARD@', board);
      expect(renderWrapper(tool, cfg), `${tool}-prefix-python-${board}`).toBe(text);
    }
  });

  it('quotes baked values for bash', () => {
    const text = renderWrapper('qlist', { ...config('amd64-usr'), finalRoot: "/it's here/root" });
    expect(text).toContain(`FINALROOT='/it'\\''s here/root'\n`);
  });
});

describe('setup plan', () => {
  const names = (cfg: PrefixConfig, configOnly = false) => planSetup(cfg, noRecord, { configOnly }).steps.map((s) => s.name);

  it('has Flatcar\'s steps in Flatcar\'s order', () => {
    expect(names(config('amd64-usr'))).toEqual(['directories', 'portage-config', 'cross-sysroot-repos', 'bootstrap-staging', 'gcc-libs', 'wrappers', 'final-init']);
    expect(names(config('amd64-usr', { host: { ...testHost, portageHost: true } })))
      .toEqual(['directories', 'portage-config', 'host-prerequisites', 'cross-sysroot-repos', 'bootstrap-staging', 'gcc-libs', 'wrappers', 'final-init']);
  });

  it('says when it will run itself again through sudo -E', () => {
    expect(planSetup(config('amd64-usr'), noRecord).notes).toEqual([]);
    expect(planSetup(config('amd64-usr', { host: { ...testHost, root: false } }), noRecord).notes)
      .toEqual(['not running as root: setup_prefix runs itself again through sudo -E']);
  });

  it('--config_only writes directories, config and wrappers only', () => {
    expect(names(config('amd64-usr', { host: { ...testHost, portageHost: true } }), true)).toEqual(['directories', 'portage-config', 'wrappers']);
  });

  it('runs cb-bootstrap with EPREFIX, the emerge wrapper for prefix-final, host emerges without prefix variables', () => {
    const plan = planSetup(config('arm64-usr', { host: { ...testHost, portageHost: true } }), noRecord);
    const runs = plan.steps.flatMap((s) => s.actions.filter((a) => a.kind === 'run').map((a) => ({ step: s.name, ...a })));
    expect(runs).toEqual([
      { step: 'host-prerequisites', kind: 'run', argv: ['emerge', '--newuse', 'sys-apps/bubblewrap'], unset: ['ROOT', 'SYSROOT', 'PORTAGE_CONFIGROOT', 'EPREFIX'], label: 'SDK prereqs', logFile: '/build/prefix-arm64-usr/python/logs/host-prerequisites.log' },
      { step: 'host-prerequisites', kind: 'run', argv: ['emerge', '--newuse', '--oneshot', '>=dev-python/gpep517-15'], unset: ['ROOT', 'SYSROOT', 'PORTAGE_CONFIGROOT', 'EPREFIX'], label: 'SDK prereqs', logFile: '/build/prefix-arm64-usr/python/logs/host-prerequisites.log' },
      { step: 'bootstrap-staging', kind: 'run', argv: [`${S}/cross-boss/bin/cb-bootstrap`, '/build/prefix-arm64-usr/python/root'], env: { EPREFIX: '/usr/local/python' }, unset: ['ROOT', 'SYSROOT', 'PORTAGE_CONFIGROOT'], label: 'cb-bootstrap', logFile: '/build/prefix-arm64-usr/python/logs/cb-bootstrap.log' },
      { step: 'final-init', kind: 'run', argv: [`${S}/wrappers/emerge-prefix-python-arm64-usr`, 'prefix/prefix-final'], label: 'final init', logFile: `${S}/__prefix__/arm64-usr/python/logs/final-init.log` },
    ]);
  });

  it('touches only the board\'s cross sysroot', () => {
    const step = planSetup(config('arm64-usr'), noRecord).steps.find((s) => s.name === 'cross-sysroot-repos')!;
    expect(Object.keys(writes(step.actions))).toEqual(['/usr/aarch64-cros-linux-gnu/etc/portage/repos.conf/prefixkit-python.conf']);
    expect(writes(step.actions)['/usr/aarch64-cros-linux-gnu/etc/portage/repos.conf/prefixkit-python.conf']).toBe(reposConf(config('arm64-usr')));
  });

  it('--dry-run text lists every step, command and file content', () => {
    const text = formatPlan(planSetup(config('amd64-usr'), noRecord));
    expect(text).toContain('Plan: prefix python (amd64-usr, EPREFIX /usr/local/python)\n');
    expect(text).toContain('\n4. bootstrap-staging: Bootstrapping the staging root /build/prefix-amd64-usr/python/root with cross-boss\n');
    expect(text).toContain(`   - run env -u ROOT -u SYSROOT -u PORTAGE_CONFIGROOT EPREFIX=/usr/local/python ${S}/cross-boss/bin/cb-bootstrap /build/prefix-amd64-usr/python/root  (log: /build/prefix-amd64-usr/python/logs/cb-bootstrap.log)\n`);
    const lines = renderWrapper('emerge', config('amd64-usr')).split('\n').length - 1;
    expect(text).toContain(`   - write ${S}/wrappers/emerge-prefix-python-amd64-usr (mode 755), ${lines} lines\n   - write ${S}/wrappers/ebuild-prefix-python-amd64-usr`);
    expect(text).toContain('       | EMERGE_DEFAULT_OPTS="--usepkgonly"\n');
  });
});
