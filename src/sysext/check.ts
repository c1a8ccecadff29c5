/**
 * `sysext check`: would systemd merge this image on that host? Answered by systemd itself: a
 * scratch root with the target's os-release, `systemd-sysext --root merge` in a private mount
 * namespace, a probe in the merged root, unmerge (reference sysext.md §3.3). The scratch root,
 * the namespace and the /run leftovers systemd makes are gone afterwards.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { findTool } from '../util/tools.js';
import { Failure, UsageError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { shellLine } from '../util/shell.js';
import { parseRelease } from './release.js';
import { makeScratchRoot, noteRunLeftovers } from './check-scratch.js';
import { openNamespace, type Namespace } from './check-namespace.js';
import { skipReason, usedExtension } from './check-reason.js';
import { RELEASE_DIR } from './image-release.js';

export interface CheckOptions {
  /** A file with the target's os-release; default the host's. */
  readonly osRelease?: string;
  /** A probe command run chrooted into the merged root, e.g. ['/usr/local/pkdemo/usr/bin/hello']. */
  readonly run?: readonly string[];
}

export interface CheckResult {
  readonly merged: boolean;
  /** systemd's reason when it skipped or refused the image. */
  readonly reason?: string;
  readonly systemdOutput: string;
  /** The --run command, or else (when merged) the listing of what the image added under /usr and /opt. */
  readonly probe?: { readonly argv: readonly string[]; readonly status: number; readonly output: string };
}

/** The probe's argv when no --run is given: the listing of the merged entries, as seen inside the root. */
const LISTING = ['find', '/usr', '/opt'] as const;

export async function checkImage(image: string, o: CheckOptions, log: Log): Promise<CheckResult> {
  const name = await imageName(image);
  const osRelease = await targetOsRelease(o.osRelease);
  const sysext = findTool('systemd-sysext');
  if (!sysext) throw new Failure('systemd-sysext is not installed (install systemd 252 or newer)');
  if (process.getuid?.() !== 0) throw new Failure('sysext check needs root: it mounts in a private namespace and attaches loop devices');
  const target = parseRelease(osRelease);
  log.info(`checking ${name}.raw against ${['ID', 'VERSION_ID', 'SYSEXT_LEVEL'].filter((k) => target[k]).map((k) => `${k}=${target[k]}`).join(' ') || 'an os-release without ID'}`);

  const scratch = await makeScratchRoot(image, osRelease);
  const cleanRun = noteRunLeftovers();
  try {
    const ns = await openNamespace(scratch.root);
    try {
      return await mergeAndProbe(ns, sysext, scratch.root, name, o, log);
    } finally {
      await ns.close();
    }
  } finally {
    cleanRun();
    await scratch.remove();
  }
}

async function mergeAndProbe(ns: Namespace, sysext: string, root: string, name: string, o: CheckOptions, log: Log): Promise<CheckResult> {
  const env = { SYSTEMD_LOG_LEVEL: 'debug', SYSTEMD_LOG_COLOR: '0' };
  const merge = await ns.exec([sysext, `--root=${root}`, 'merge'], env);
  if (!usedExtension(merge.output, name)) return { merged: false, reason: skipReason(merge.output, merge.status), systemdOutput: merge.output };

  const added = await mergedEntries(ns, root);
  let result: CheckResult;
  if (!added.includes(`${RELEASE_DIR}/extension-release.${name}`)) {
    result = { merged: false, reason: `systemd-sysext said it used '${name}', but its files are not visible under ${root}/usr`, systemdOutput: merge.output };
  } else if (o.run?.length) {
    log.info(`probe: ${shellLine(o.run)}`);
    const chroot = findTool('chroot');
    if (!chroot) throw new Failure('chroot is not installed (install coreutils)');
    const probe = await ns.exec([chroot, root, ...o.run], { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', LC_ALL: 'C' });
    result = { merged: true, systemdOutput: merge.output, probe: { argv: o.run, ...probe } };
  } else {
    result = { merged: true, systemdOutput: merge.output, probe: { argv: LISTING, status: 0, output: added.map((p) => `/${p}`).join('\n') } };
  }
  const unmerge = await ns.exec([sysext, `--root=${root}`, 'unmerge'], env);
  if (unmerge.status !== 0) log.warn(`systemd-sysext unmerge exited ${unmerge.status} (the namespace is dropped anyway)`);
  return { ...result, systemdOutput: `${merge.output}\n${unmerge.output}` };
}

/** What the merged /usr and /opt show beyond the scratch root's own os-release, relative to the root. */
async function mergedEntries(ns: Namespace, root: string): Promise<string[]> {
  const find = findTool('find');
  if (!find) throw new Failure('find is not installed (install findutils)');
  const r = await ns.exec([find, `${root}/usr`, `${root}/opt`, '-mindepth', '1', '-path', `${root}/usr/.systemd-sysext`, '-prune', '-o', '-print']);
  const own = new Set(['usr/lib', 'usr/lib/os-release']);
  return r.output.split('\n').filter(Boolean).map((p) => p.slice(root.length + 1)).filter((p) => !own.has(p)).sort();
}

/** systemd only looks at NAME.raw files, and NAME is what the release file must be called after. */
async function imageName(image: string): Promise<string> {
  const st = await stat(image).catch(() => undefined);
  if (!st?.isFile()) throw new UsageError(`${image}: no such image file`);
  if (!image.endsWith('.raw') || basename(image) === '.raw') throw new UsageError(`${image}: systemd-sysext only merges NAME.raw files; rename it`);
  return basename(image).slice(0, -'.raw'.length);
}

async function targetOsRelease(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) throw new UsageError(`--os-release ${file}: cannot read the file`);
    if (!parseRelease(text).ID) throw new UsageError(`--os-release ${file}: no ID= line, so it is not an os-release file`);
    return text;
  }
  for (const host of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = await readFile(host, 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  throw new Failure('the host has no /etc/os-release or /usr/lib/os-release: give --os-release FILE');
}

export function formatCheckResult(r: CheckResult, image: string): string {
  const lines = [r.merged ? `${image}: systemd merges it` : `${image}: systemd does NOT merge it: ${r.reason ?? 'no reason given'}`];
  if (r.probe) {
    const out = r.probe.output.split('\n').filter(Boolean);
    const shown = isListing(r.probe.argv) && out.length > LISTED ? [...out.slice(0, LISTED), `… and ${out.length - LISTED} more`] : out;
    lines.push(`  probe: ${shellLine(r.probe.argv)} exited ${r.probe.status}`, ...shown.map((l) => `    ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Listing lines shown by formatCheckResult; a prefix has thousands. */
const LISTED = 10;
const isListing = (argv: readonly string[]) => argv.join(' ') === LISTING.join(' ');
