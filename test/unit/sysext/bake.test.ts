import { describe, expect, it } from 'vitest';
import { atLeast, imageArgv } from '../../../src/sysext/bake-image.js';
import { stagedArgv } from '../../../src/sysext/bake-stage.js';
import { checkName, epoch, protectPaths, releaseBase, userArch, type Findings } from '../../../src/sysext/bake-validate.js';
import { formatRelease } from '../../../src/sysext/release.js';

const findings = (): Findings => ({ problems: [], warnings: [] });

describe('release fields', () => {
  it('writes only ID for _any, and warns that systemd ignores a level or version then', () => {
    const f = findings();
    expect(releaseBase({ os: '_any' }, f)).toEqual({ ID: '_any' });
    expect(f).toEqual({ problems: [], warnings: [] });
    releaseBase({ os: '_any', versionId: '12' }, f);
    expect(f.warnings).toEqual(['ID=_any merges on any OS: systemd ignores SYSEXT_LEVEL and VERSION_ID then']);
  });

  it('defaults Flatcar to SYSEXT_LEVEL=1.0 only when neither level nor version is given', () => {
    const f = findings();
    expect(releaseBase({ os: 'flatcar' }, f)).toEqual({ ID: 'flatcar', SYSEXT_LEVEL: '1.0' });
    expect(releaseBase({ os: 'flatcar', versionId: '3815.2.0' }, f)).toEqual({ ID: 'flatcar', VERSION_ID: '3815.2.0' });
    expect(releaseBase({ os: 'flatcar', sysextLevel: '2.0' }, f)).toEqual({ ID: 'flatcar', SYSEXT_LEVEL: '2.0' });
    expect(f.problems).toEqual([]);
  });

  it('requires a level or version for any other named OS', () => {
    const f = findings();
    releaseBase({ os: 'debian' }, f);
    expect(f.problems).toEqual(['--os debian needs --sysext-level or --version-id: systemd merges an image for a named OS only when one of them matches the host\'s os-release']);
    expect(releaseBase({ os: 'debian', versionId: '12' }, findings())).toEqual({ ID: 'debian', VERSION_ID: '12' });
  });

  it('keeps bake.sh order in the text: ID, SYSEXT_LEVEL, VERSION_ID, ARCHITECTURE', () => {
    const base = releaseBase({ os: 'flatcar', versionId: '3815.2.0', sysextLevel: '1.0' }, findings());
    expect(formatRelease({ ...base, ARCHITECTURE: 'arm64' })).toBe('ID=flatcar\nSYSEXT_LEVEL=1.0\nVERSION_ID=3815.2.0\nARCHITECTURE=arm64\n');
  });

  it('rejects IDs and versions outside os-release syntax', () => {
    const f = findings();
    releaseBase({ os: 'Ubuntu', versionId: '24.04 LTS', sysextLevel: '"1"' }, f);
    expect(f.problems).toHaveLength(3);
    expect(f.problems[0]).toBe('--os "Ubuntu" is not a valid os-release ID: use lower-case letters, digits, ".", "_" and "-", or _any');
  });
});

describe('options', () => {
  it('maps architecture aliases and lists the valid values for others', () => {
    const f = findings();
    expect(['amd64', 'x86_64', 'amd64-usr', 'x86-64', 'aarch64', 'arm64-usr', 'riscv64'].map((a) => userArch(a, f))).toEqual(['x86-64', 'x86-64', 'x86-64', 'x86-64', 'arm64', 'arm64', 'riscv64']);
    expect(userArch('riscv', f)).toBeUndefined();
    expect(f.problems[0]).toMatch(/^--arch "riscv" is not a systemd architecture; valid: alpha, .*, x86-64, x32, _any \(or amd64/);
  });

  it('takes SOURCE_DATE_EPOCH as whole 32-bit seconds, default 0', () => {
    const f = findings();
    expect([epoch(undefined, f), epoch('', f), epoch(1700000000, f), epoch('42', f)]).toEqual([0, 0, 1700000000, 42]);
    expect(f.problems).toEqual([]);
    epoch('yesterday', f);
    epoch(-1, f);
    epoch(2 ** 32, f);
    expect(f.problems).toHaveLength(3);
  });

  it('normalises --protect paths and refuses ones outside the image', () => {
    const f = findings();
    expect(protectPaths(['usr/sbin', '/usr/lib64/', 'opt/x'], f)).toEqual(['usr/sbin', 'usr/lib64', 'opt/x']);
    protectPaths(['../etc', '/', 'usr/./x'], f);
    expect(f.problems).toHaveLength(3);
  });

  it('warns about names newer systemd reads as versioned', () => {
    const f = findings();
    checkName('python', f);
    checkName('python_3.12', f);
    checkName('-x', f);
    expect(f.warnings).toHaveLength(1);
    expect(f.problems).toHaveLength(1);
  });
});

describe('commands', () => {
  it('uses the bakery command lines, without what the installed versions lack', () => {
    expect(imageArgv('squashfs', { path: '/usr/bin/mksquashfs', version: '4.5.1' }, 'merged', '/o/x.part'))
      .toEqual(['/usr/bin/mksquashfs', 'merged', '/o/x.part', '-all-root', '-noappend', '-no-xattrs', '-quiet', '-no-progress']);
    expect(imageArgv('erofs', { path: 'mkfs.erofs', version: '1.5' }, 'merged', 'out').slice(1))
      .toEqual(['-zlz4hc,12', '-C65536', '-Eztailpacking', '-U00000000-0000-0000-0000-000000000000', '--all-root', '-x-1', '--quiet', 'out', 'merged']);
    expect(imageArgv('erofs', { path: 'mkfs.erofs', version: '1.7.1' }, 'merged', 'out')).toContain('-Efragments,ztailpacking');
  });

  it('compares dotted versions numerically', () => {
    expect([atLeast('4.6.1', '4.6.1'), atLeast('4.10', '4.9'), atLeast('4.5.1', '4.6.1'), atLeast('1.6', '1.6.0'), atLeast('1.5', '1.6')]).toEqual([true, true, false, true, false]);
  });

  it('runs the tool in a private mount namespace, user data only as arguments', () => {
    const argv = stagedArgv('/usr/bin/unshare', '/usr/bin/mount', '/in put', ['mksquashfs', 'merged', 'o'], true);
    expect(argv.slice(0, 6)).toEqual(['/usr/bin/unshare', '--mount', '--propagation', 'private', '--', 'sh']);
    expect(argv.slice(-6)).toEqual(['sh', '/usr/bin/mount', '/in put', 'mksquashfs', 'merged', 'o']);
    expect(argv[7]).not.toContain('/in put');
    expect(stagedArgv('u', 'm', '/i', ['t'], false)).toContain('--map-root-user');
  });
});
