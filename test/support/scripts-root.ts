import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Gentoo-only programs the tests replace with the recording fake. */
export const FAKE_TOOLS = ['cb-bootstrap', 'emerge', 'ebuild', 'portageq', 'equery', 'qlist', 'qfile', 'qcheck', 'emaint', 'eclean', 'glsa-check'];

export interface ScriptsRoot {
  readonly dir: string;
  readonly fakeBin: string;
  readonly fakeLog: string;
}

/**
 * A scratch Flatcar scripts checkout: repos/{gentoo-subset,flatcar-overlay,prefix-overlay} with
 * their current names and Flatcar's (stale) prefix skel, profiles of two generations, and a
 * cross-boss whose Gentoo-only parts are recording fakes.
 */
export function makeScriptsRoot(o: { defaultBoard?: string } = {}): ScriptsRoot {
  const dir = mkdtempSync(join(tmpdir(), 'prefixkit-scripts-'));
  const w = (path: string, content: string) => { mkdirSync(dirname(join(dir, path)), { recursive: true }); writeFileSync(join(dir, path), content); };
  w('repos/gentoo-subset/profiles/repo_name', 'portage-stable\n');
  for (const p of ['amd64/17.1/no-multilib/prefix/kernel-3.2+', 'arm64/17.0/prefix/kernel-3.2+']) w(`repos/gentoo-subset/profiles/default/linux/${p}/deprecated`, 'default/linux/x/23.0\n');
  for (const p of ['amd64/23.0/no-multilib/prefix/kernel-3.2+', 'amd64/23.0/split-usr/no-multilib/prefix/kernel-3.2+', 'arm64/23.0/prefix/kernel-3.2+', 'amd64/23.0/no-multilib/prefix/kernel-2.6.32+'])
    w(`repos/gentoo-subset/profiles/default/linux/${p}/parent`, '..\n');
  w('repos/flatcar-overlay/profiles/repo_name', 'coreos-overlay\n');
  w('repos/prefix-overlay/profiles/repo_name', 'prefix\n');
  w('repos/prefix-overlay/prefix/prefix-final/prefix-final-0.0.1.ebuild', 'EAPI=7\nRDEPEND="virtual/libc"\n');
  const skel = 'repos/prefix-overlay/skel/etc/portage';
  w(`${skel}/package.accept_keywords/portage`, 'sys-apps/portage ~amd64\n');
  w(`${skel}/package.accept_keywords/prefix`, '=app-misc/ca-certificates-20230311.3.93 ~*\n=sys-apps/systemd-utils-254.3 ~*\n');
  w(`${skel}/package.mask/coreos`, "app-misc/ca-certificates::coreos # coreos ca-certificates doesn't support prefix\nsys-apps/baselayout::coreos # coreos baselayout depends on systemd\n");
  w(`${skel}/repos.conf/coreos.conf`, '[DEFAULT]\nmain-repo = portage-stable\n\n[coreos]\nlocation = /mnt/host/source/src/third_party/coreos-overlay\n');
  if (o.defaultBoard) w('.default_board', `${o.defaultBoard}\n`);
  w('cross-boss/scripts/common.sh', '');
  copyFileSync(join(here, 'fake-cross-boss-common.sh'), join(dir, 'cross-boss/scripts/common.sh'));
  const fakeBin = join(dir, 'fakebin');
  mkdirSync(fakeBin);
  mkdirSync(join(dir, 'cross-boss/bin'), { recursive: true });
  for (const tool of FAKE_TOOLS) symlinkSync(join(here, 'fake-tool.mjs'), tool === 'cb-bootstrap' ? join(dir, 'cross-boss/bin', tool) : join(fakeBin, tool));
  chmodSync(join(here, 'fake-tool.mjs'), 0o755);
  return { dir, fakeBin, fakeLog: join(dir, 'fake-calls.jsonl') };
}
