import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePrefixConfig } from '../../../src/prefix/config.js';
import { UsageError } from '../../../src/util/errors.js';
import { makeScriptsRoot } from '../../support/scripts-root.js';
import { testConfig, testHost } from '../../support/prefix.js';

const sr = makeScriptsRoot();
afterAll(() => rmSync(sr.dir, { recursive: true, force: true }));

/** Each validation error is one line, a UsageError (exit 2), with this text. */
async function usageError(args: Parameters<typeof testConfig>[1]): Promise<string> {
  const e = await testConfig(sr.dir, args).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(UsageError);
  const msg = (e as UsageError).message;
  expect(msg).not.toContain('\n');
  expect((e as UsageError).exitCode).toBe(2);
  return msg;
}

describe('prefix config defaults', () => {
  it('follows Flatcar: staging in /build, final under __prefix__, wrappers and repos in the scripts root', async () => {
    const cfg = await resolvePrefixConfig({ name: 'python', eprefix: '/usr/local/python' }, testHost, sr.dir);
    expect(cfg).toMatchObject({
      board: 'amd64-usr', chost: 'x86_64-cros-linux-gnu', keywords: 'amd64 -~amd64', arch: 'amd64',
      stagingDir: '/build/prefix-amd64-usr/python', stagingRoot: '/build/prefix-amd64-usr/python/root',
      finalDir: `${sr.dir}/__prefix__/amd64-usr/python`, finalRoot: `${sr.dir}/__prefix__/amd64-usr/python/root`,
      pkgdir: '/build/prefix-amd64-usr/python/pkgs', crossBossRoot: `${sr.dir}/cross-boss`,
      wrapperDir: `${sr.dir}/wrappers`, distdir: `${sr.dir}/.cache/distfiles`, jobs: 4,
      stateDir: `${sr.dir}/__prefix__/.prefixkit/amd64-usr/python`, warnings: [],
    });
    expect(cfg.repos).toEqual({
      main: { name: 'portage-stable', location: `${sr.dir}/repos/gentoo-subset` },
      flatcar: { name: 'coreos-overlay', location: `${sr.dir}/repos/flatcar-overlay` },
      prefix: { name: 'prefix', location: `${sr.dir}/repos/prefix-overlay`, priority: 1000 },
      custom: [],
    });
  });

  it('picks the newest non-deprecated prefix profile, least specialised first', async () => {
    const profiles = `${sr.dir}/repos/gentoo-subset/profiles/default/linux`;
    expect((await testConfig(sr.dir)).profile).toBe(`${profiles}/amd64/23.0/no-multilib/prefix/kernel-3.2+`);
    expect((await testConfig(sr.dir, { board: 'arm64-usr' })).profile).toBe(`${profiles}/arm64/23.0/prefix/kernel-3.2+`);
  });

  it('takes the board from .default_board, the DISTDIR from the host Portage', async () => {
    const other = makeScriptsRoot({ defaultBoard: 'arm64-usr' });
    const cfg = await testConfig(other.dir, {}, { ...testHost, distdir: '/var/cache/distfiles' });
    expect([cfg.board, cfg.chost, cfg.keywords, cfg.distdir]).toEqual(['arm64-usr', 'aarch64-cros-linux-gnu', 'arm64 -~arm64', '/var/cache/distfiles']);
    rmSync(other.dir, { recursive: true });
  });

  it('resolves --profile relative to the main repo profiles/ and custom overlays by their repo_name', async () => {
    mkdirSync(join(sr.dir, 'extra/profiles'), { recursive: true });
    writeFileSync(join(sr.dir, 'extra/profiles/repo_name'), 'my-overlay\n');
    const cfg = await testConfig(sr.dir, { profile: 'default/linux/amd64/23.0/split-usr/no-multilib/prefix/kernel-3.2+', custom_ebuild_overlays: 'extra' });
    expect(cfg.profile).toBe(`${sr.dir}/repos/gentoo-subset/profiles/default/linux/amd64/23.0/split-usr/no-multilib/prefix/kernel-3.2+`);
    expect(cfg.repos.custom).toEqual([{ name: 'my-overlay', location: `${sr.dir}/extra` }]);
  });

  it('warns when the EPREFIX cannot go into a sysext', async () => {
    expect((await testConfig(sr.dir, { eprefix: '/srv/python' })).warnings).toEqual(['EPREFIX "/srv/python" is outside /usr and /opt: a systemd-sysext image cannot carry it']);
  });
});

describe('prefix config validation', () => {
  it.each([
    [{ name: 'my prefix' }, 'prefix name "my prefix" must be one word of letters, digits, "_", "." and "-" (e.g. python)'],
    [{ name: '../x' }, 'prefix name "../x" must be one word'],
    [{ name: '' }, 'missing prefix name'],
    [{ eprefix: '' }, 'missing prefix path (EPREFIX): usage is setup_prefix [flags] <name> <eprefix>'],
    [{ eprefix: 'usr/local/python' }, 'EPREFIX "usr/local/python" must be an absolute path, e.g. /usr/local/python'],
    [{ eprefix: '/usr/local//python' }, 'EPREFIX "/usr/local//python" is not normalised: use "/usr/local/python"'],
    [{ eprefix: '/usr/local/python/' }, 'is not normalised: use "/usr/local/python"'],
    [{ eprefix: '/usr/local/../python' }, 'is not normalised: use "/usr/python"'],
    [{ eprefix: '/' }, 'EPREFIX must not be "/"'],
    [{ eprefix: '/usr' }, 'EPREFIX "/usr" is a system directory'],
    [{ eprefix: '/usr/bin' }, 'EPREFIX "/usr/bin" is a system directory'],
    [{ eprefix: '/opt' }, 'EPREFIX "/opt" is a system directory'],
    [{ eprefix: '/etc' }, 'EPREFIX "/etc" is a system directory'],
    [{ eprefix: '/usr/local' }, 'EPREFIX "/usr/local" is a system directory'],
    [{ eprefix: '/usr/local/my app' }, 'EPREFIX "/usr/local/my app" contains " "'],
    [{ eprefix: '/usr/local/$HOME' }, 'contains "$"'],
    [{ board: 'x86-usr' }, 'unknown board "x86-usr" (from --board): known boards are amd64-usr, arm64-usr'],
    [{ staging_dir: '/' }, '--staging_dir must not be "/"'],
    [{ final_dir: '/' }, '--final_dir must not be "/"'],
    [{ staging_dir: '/tmp/a', final_dir: '/tmp/a' }, '--staging_dir and --final_dir are both "/tmp/a"'],
    [{ staging_dir: '/tmp/a', final_dir: '/tmp/a/final' }, '--final_dir "/tmp/a/final" is inside --staging_dir "/tmp/a"'],
    [{ staging_dir: '/tmp/b/staging', final_dir: '/tmp/b' }, '--staging_dir "/tmp/b/staging" is inside --final_dir "/tmp/b"'],
    [{ cross_boss_root: '/nonexistent/cb' }, 'cross-boss not found: no /nonexistent/cb/bin/cb-bootstrap; clone it (git clone https://github.com/chewi/cross-boss) there or pass --cross_boss_root'],
    [{ repos_dir: '/nonexistent/repos' }, 'repository "/nonexistent/repos/gentoo-subset" (from --repos_dir "/nonexistent/repos") does not exist'],
    [{ custom_ebuild_overlays: '/nonexistent/overlay' }, 'repository "/nonexistent/overlay" (from --custom_ebuild_overlays) does not exist'],
    [{ custom_ebuild_overlays: 'repos/gentoo-subset' }, 'are both named "portage-stable"'],
    [{ profile: 'default/linux/amd64/99.0' }, '--profile "default/linux/amd64/99.0": no such profile directory'],
  ])('%j: %s', async (args, expected) => {
    expect(await usageError(args)).toContain(expected);
  });

  it('names the .default_board file when it holds an unknown board', async () => {
    const other = makeScriptsRoot({ defaultBoard: 'riscv-usr' });
    await expect(testConfig(other.dir)).rejects.toThrow(`unknown board "riscv-usr" (from ${other.dir}/.default_board): known boards are amd64-usr, arm64-usr`);
    rmSync(other.dir, { recursive: true });
  });

  it('fails clearly when no prefix profile exists', async () => {
    const other = makeScriptsRoot();
    rmSync(join(other.dir, 'repos/gentoo-subset/profiles/default'), { recursive: true });
    await expect(testConfig(other.dir)).rejects.toThrow(`no usable prefix profile (default/linux/amd64/<version>/.../prefix/kernel-3.2+, not deprecated) in ${other.dir}/repos/gentoo-subset: pass --profile`);
    rmSync(other.dir, { recursive: true });
  });

  it('reads repo names from profiles/repo_name and rejects a repo without one', async () => {
    const other = makeScriptsRoot();
    rmSync(join(other.dir, 'repos/flatcar-overlay/profiles/repo_name'));
    await expect(testConfig(other.dir)).rejects.toThrow(`repository "${other.dir}/repos/flatcar-overlay" (from --repos_dir "${other.dir}/repos") has no ${other.dir}/repos/flatcar-overlay/profiles/repo_name`);
    rmSync(other.dir, { recursive: true });
  });
});
