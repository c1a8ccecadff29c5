/**
 * The image tools' command lines (reference sysext.md §1.2–1.4), checked against the installed
 * versions: options a version lacks are left out rather than failing (mksquashfs < 4.6.1 rejects
 * -xattrs-exclude; mkfs.erofs 1.5 silently ignores -Efragments, which 1.6 added).
 *
 * Reproducibility: root owners, SOURCE_DATE_EPOCH in the environment (both tools then stamp every
 * inode and the superblock with it), erofs' zero UUID, and no extended attributes at all: neither
 * tool can keep some and drop others here, and the ones a host adds (security.selinux labels from
 * its policy, ACLs, btrfs.*) would make the bytes depend on where the tree was built.
 */
import { execa } from 'execa';
import { findTool } from '../util/tools.js';

export type ImageFormat = 'squashfs' | 'erofs';
export const FORMATS: readonly ImageFormat[] = ['squashfs', 'erofs'];

const TOOLS: Readonly<Record<ImageFormat, { tool: string; pkg: string }>> = {
  squashfs: { tool: 'mksquashfs', pkg: 'squashfs-tools' },
  erofs: { tool: 'mkfs.erofs', pkg: 'erofs-utils' },
};

export interface ImageTool {
  readonly path: string;
  readonly version: string;
}

/** The installed tool for a format, or the line telling the user what to install. */
export async function imageTool(format: ImageFormat): Promise<ImageTool | string> {
  const { tool, pkg } = TOOLS[format];
  const path = findTool(tool);
  if (!path) return `${tool} is not installed (needed for --format ${format}): apt-get install ${pkg}`;
  // mksquashfs -version prints "mksquashfs version 4.5.1 (…)"; mkfs.erofs prints "mkfs.erofs 1.5" first
  // whatever the options, and only newer versions know -V.
  const r = await execa(path, [format === 'squashfs' ? '-version' : '-V'], { reject: false, all: true, stdin: 'ignore' });
  const version = /(?:version |erofs )(\d+(?:\.\d+)*)/.exec(String(r.all ?? ''))?.[1] ?? '0';
  return { path, version };
}

/** The tool's argv that turns `source` into `output`. */
export function imageArgv(format: ImageFormat, tool: ImageTool, source: string, output: string): string[] {
  if (format === 'squashfs') {
    return [tool.path, source, output, '-all-root', '-noappend', '-no-xattrs', '-quiet', '-no-progress'];
  }
  const extended = atLeast(tool.version, '1.6') ? 'fragments,ztailpacking' : 'ztailpacking';
  return [tool.path, '-zlz4hc,12', '-C65536', `-E${extended}`, '-U00000000-0000-0000-0000-000000000000', '--all-root', '-x-1', '--quiet', output, source];
}

/** Dotted version comparison: 4.10 is newer than 4.9. */
export function atLeast(version: string, wanted: string): boolean {
  const a = version.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
