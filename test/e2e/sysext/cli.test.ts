import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTinyPrefix, PKDEMO } from '../../support/tiny-prefix.js';

// The commands as a user runs them (the built CLI): a prefix made by setup_prefix --config_only,
// filled with a real tiny program, verified, baked by name, inspected and merged by systemd.
const REPO = join(import.meta.dirname, '../../..');
const base = mkdtempSync(join(tmpdir(), 'pk-sysext-cli-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const cli = (bin: 'prefixkit' | 'setup_prefix', args: string[], cwd: string) =>
  spawnSync(process.execPath, [join(REPO, 'bin', `${bin}.js`), ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

function prefix(): { scripts: string; root: string; out: string } {
  const dir = mkdtempSync(join(base, 'p-'));
  const scripts = join(dir, 'scripts');
  cpSync(join(REPO, 'examples/prefix/scripts-root'), scripts, { recursive: true });
  const r = cli('setup_prefix', ['--config_only', '--staging_dir', join(dir, 'build/pkdemo'), 'pkdemo', PKDEMO], scripts);
  expect(r.status, r.stderr).toBe(0);
  const root = join(scripts, '__prefix__/amd64-usr/pkdemo/root');
  makeTinyPrefix(root);
  return { scripts, root, out: join(dir, 'out') };
}

describe('prefixkit sysext and verify', () => {
  it('bakes a prefix by name: verified first, the board\'s arch, an image systemd merges and runs', () => {
    const p = prefix();
    const r = cli('prefixkit', ['sysext', 'bake', '--prefix', 'pkdemo', '--scripts-root', p.scripts, '--output', p.out], p.scripts);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`verified: ${PKDEMO} depends on nothing outside itself`);
    expect(readdirSync(p.out).sort()).toEqual(['pkdemo.raw', 'pkdemo.raw.sha256']);
    const info = JSON.parse(cli('prefixkit', ['sysext', 'inspect', '--json', join(p.out, 'pkdemo.raw')], p.out).stdout) as { release: Record<string, string>; problems: string[] };
    expect(info.release).toEqual({ ID: '_any', ARCHITECTURE: 'x86-64' });
    expect(info.problems).toEqual([]);
    const check = cli('prefixkit', ['sysext', 'check', join(p.out, 'pkdemo.raw'), '--run', `${PKDEMO}/usr/bin/hello`], p.out);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('hello from pkdemo');
  });

  it('a leaking prefix: verify exits 1 naming it; bake warns, or fails with --strict and writes nothing', () => {
    const p = prefix();
    const script = join(p.root, PKDEMO, 'usr/bin/tool');
    writeFileSync(script, '#!/usr/bin/python3\nprint("x")\n');
    chmodSync(script, 0o755);
    const v = cli('prefixkit', ['verify', p.root, '--eprefix', PKDEMO, '--json'], p.scripts);
    expect(v.status).toBe(1);
    const report = JSON.parse(v.stdout) as { ok: boolean; problems: Array<{ path: string; kind: string; severity: string }> };
    expect(report.ok).toBe(false);
    // The one leak; setup_prefix's make.profile (a build-time symlink to the host's repository) is only a warning.
    expect(report.problems.filter((p) => p.severity === 'leak')).toMatchObject([{ path: `${PKDEMO}/usr/bin/tool`, kind: 'shebang' }]);
    expect(report.problems.filter((p) => p.severity === 'warning').map((p) => p.path)).toEqual([`${PKDEMO}/etc/portage/make.profile`]);

    const strict = cli('prefixkit', ['sysext', 'bake', '--prefix', 'pkdemo', '--scripts-root', p.scripts, '--output', p.out, '--strict'], p.scripts);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain(`prefixkit: ${PKDEMO} is not self-contained: 1 leak(s), e.g. ${PKDEMO}/usr/bin/tool`);
    expect(existsSync(join(p.out, 'pkdemo.raw'))).toBe(false);

    const lax = cli('prefixkit', ['sysext', 'bake', '--prefix', 'pkdemo', '--scripts-root', p.scripts, '--output', p.out], p.scripts);
    expect(lax.status, lax.stderr).toBe(0);
    expect(lax.stderr).toContain('warning:');
    expect(existsSync(join(p.out, 'pkdemo.raw'))).toBe(true);
  });

  it('mistakes are one line and exit 2', () => {
    const p = prefix();
    for (const [args, message] of [
      [['sysext', 'bake', '--prefix', 'nope', '--scripts-root', p.scripts], `prefixkit: no prefix named nope under ${p.scripts}`],
      [['sysext', 'bake'], 'prefixkit: name the root directory to bake, or --prefix NAME for a prefix made by setup_prefix'],
      [['verify', join(base, 'missing'), '--eprefix', PKDEMO], 'prefixkit: '],
    ] as const) {
      const r = cli('prefixkit', [...args], p.scripts);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });
});
