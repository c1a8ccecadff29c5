/**
 * What `sysext bake` refuses before it touches anything (reference sysext.md §2, §5): the tree must
 * hold only what systemd-sysext merges, nothing it rejects, nothing that hides a host symlink, and
 * at most its own release file. Every check adds to one list, so the user sees all problems at once.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { ARCHITECTURES, imageNameProblem, systemdArch, type ReleaseFields } from './release.js';

/** Where the release file lives in the image; NAME is appended. */
export const RELEASE_DIR = 'usr/lib/extension-release.d';
const MERGED = ['usr', 'opt'];

export interface Findings {
  readonly problems: string[];
  readonly warnings: string[];
}

/** A directory the release layer must recreate, with the input's mode so the overlay changes nothing. */
export interface LayerDir {
  readonly path: string;
  readonly mode: number;
}

/**
 * Checks the input tree; returns the modes of the input's root and of the directories on the way
 * to the release file (absent ones are left out: the layer creates them 0755).
 */
export async function checkTree(input: string, name: string, protect: readonly string[], f: Findings): Promise<LayerDir[]> {
  const root = await kindOf(input, true);
  if (root.kind === 'absent') { f.problems.push(`input ${input} does not exist`); return []; }
  if (root.kind !== 'dir') { f.problems.push(`input ${input} is a ${root.kind}, not a directory`); return []; }
  const layer: LayerDir[] = [{ path: '.', mode: root.mode }];
  const entries = await readdir(input, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => { if (e.code === 'EACCES') return undefined; throw e; });
  if (!entries) { f.problems.push(`input ${input} is not readable (permission denied)`); return []; }

  const outside = entries.filter((e) => !MERGED.includes(e.name))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
  if (outside.length) f.problems.push(`only usr/ and opt/ are merged by systemd-sysext; remove from the tree: ${outside.join(', ')}`);

  let content = 0;
  for (const top of MERGED) {
    const k = await kindOf(join(input, top));
    if (k.kind === 'dir') content += (await readdir(join(input, top))).length;
    else if (k.kind !== 'absent') f.problems.push(`${top} is a ${k.kind}, not a directory`);
  }
  if (content === 0) f.problems.push(`nothing to merge: ${input} has no files under usr/ or opt/`);

  if ((await kindOf(join(input, 'usr/lib/os-release'))).kind !== 'absent') {
    f.problems.push('usr/lib/os-release is in the tree: systemd-sysext refuses an extension that carries it');
  }
  const hiding: string[] = [];
  for (const p of protect) if ((await kindOf(join(input, p))).kind !== 'absent') hiding.push(p);
  if (hiding.length) f.problems.push(`protected paths are in the tree (they would hide the host's symlink there): ${hiding.join(', ')}`);

  // The release layer shadows these directories, so each must be a real directory (or absent).
  let dir = '';
  for (const part of RELEASE_DIR.split('/')) {
    dir = dir ? `${dir}/${part}` : part;
    const k = await kindOf(join(input, dir));
    if (k.kind === 'absent') return layer;
    if (k.kind !== 'dir') { f.problems.push(`${dir} is a ${k.kind}: the release file needs a real directory ${RELEASE_DIR}`); return layer; }
    layer.push({ path: dir, mode: k.mode });
  }
  await checkReleaseFiles(join(input, RELEASE_DIR), name, f);
  return layer;
}

/** Any other extension-release.* would make the image ambiguous; our own name is replaced in the image. */
async function checkReleaseFiles(dir: string, name: string, f: Findings): Promise<void> {
  const others: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.name.startsWith('extension-release.')) continue;
    if (e.name !== `extension-release.${name}`) others.push(`${RELEASE_DIR}/${e.name}`);
    else if (e.isDirectory()) f.problems.push(`${RELEASE_DIR}/${e.name} is a directory`);
    else f.warnings.push(`${RELEASE_DIR}/${e.name} in the tree is replaced in the image by the generated one`);
  }
  if (others.length) {
    f.problems.push(`release files for other names are in the tree (the image is "${name}"; remove them or bake with that --name): ${others.sort().join(', ')}`);
  }
}

/**
 * The output side: a directory outside the input (created when missing, like mkdir -p, if its
 * nearest existing parent is a directory), and no image there unless --force.
 */
export async function checkOutput(input: string, outputDir: string, image: string, force: boolean, f: Findings): Promise<void> {
  let parent = outputDir;
  while ((await kindOf(parent, true)).kind === 'absent' && dirname(parent) !== parent) parent = dirname(parent);
  const out = await kindOf(parent, true);
  if (out.kind !== 'dir') { f.problems.push(`output directory ${outputDir} ${parent === outputDir ? `is a ${out.kind}` : `cannot be created: ${parent} is a ${out.kind}`}`); return; }
  const inside = relative(await realpath(input).catch(() => input), join(await realpath(parent), relative(parent, outputDir)));
  if (!inside.startsWith('..') && !isAbsolute(inside)) f.problems.push(`output directory ${outputDir} is inside the input tree: choose another --output`);
  const existing = await kindOf(image);
  if (existing.kind === 'dir') f.problems.push(`${image} is a directory`);
  else if (existing.kind !== 'absent' && !force) f.problems.push(`${image} exists: pass --force to replace it`);
}

export function checkName(name: string, f: Findings): void {
  const problem = imageNameProblem(name);
  if (problem) f.problems.push(problem);
  else if (/[_+]/.test(name)) f.warnings.push(`newer systemd reads "_" and "+" in "${name}" as version separators; prefer letters, digits, "." and "-"`);
}

/** --protect values as tree paths: relative, no `..`, no leading or trailing slash. */
export function protectPaths(protect: readonly string[], f: Findings): string[] {
  const out: string[] = [];
  for (const raw of protect) {
    const p = raw.replace(/^\/+|\/+$/g, '');
    if (!p || p.split('/').some((c) => c === '..' || c === '.' || c === '')) f.problems.push(`--protect ${raw}: give a path in the image such as usr/sbin`);
    else out.push(p);
  }
  return out;
}

const OS_VALUE = /^[a-z0-9._-]+$/;

export interface ReleaseChoice {
  readonly os: string;
  readonly versionId?: string;
  readonly sysextLevel?: string;
}

/**
 * ID, SYSEXT_LEVEL and VERSION_ID, without ARCHITECTURE (chosen later, perhaps from the tree).
 * systemd matches an image for a named OS only through SYSEXT_LEVEL or VERSION_ID (§2.4), so one is
 * required; Flatcar's is SYSEXT_LEVEL=1.0, as bake.sh wrote.
 */
export function releaseBase(o: ReleaseChoice, f: Findings): Pick<ReleaseFields, 'ID' | 'SYSEXT_LEVEL' | 'VERSION_ID'> {
  if (!OS_VALUE.test(o.os)) f.problems.push(`--os "${o.os}" is not a valid os-release ID: use lower-case letters, digits, ".", "_" and "-", or _any`);
  for (const [flag, v] of [['--version-id', o.versionId], ['--sysext-level', o.sysextLevel]] as const) {
    if (v !== undefined && !OS_VALUE.test(v)) f.problems.push(`${flag} "${v}" is not valid: use lower-case letters, digits, ".", "_" and "-"`);
  }
  let level = o.sysextLevel;
  if (o.os === '_any') {
    if (level !== undefined || o.versionId !== undefined) f.warnings.push('ID=_any merges on any OS: systemd ignores SYSEXT_LEVEL and VERSION_ID then');
  } else if (level === undefined && o.versionId === undefined) {
    if (o.os === 'flatcar') level = '1.0';
    else f.problems.push(`--os ${o.os} needs --sysext-level or --version-id: systemd merges an image for a named OS only when one of them matches the host's os-release`);
  }
  return { ID: o.os, ...(level !== undefined ? { SYSEXT_LEVEL: level } : {}), ...(o.versionId !== undefined ? { VERSION_ID: o.versionId } : {}) };
}

/** The user's --arch as systemd's name, or a problem listing the valid values. */
export function userArch(value: string, f: Findings): string | undefined {
  const arch = systemdArch(value);
  if (!arch) f.problems.push(`--arch "${value}" is not a systemd architecture; valid: ${ARCHITECTURES.join(', ')} (or amd64, x86_64, amd64-usr, aarch64, arm64-usr)`);
  return arch;
}

/** SOURCE_DATE_EPOCH as mksquashfs accepts it: whole seconds that fit 32 bits. */
export function epoch(value: number | string | undefined, f: Findings): number {
  if (value === undefined || value === '') return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    f.problems.push(`SOURCE_DATE_EPOCH "${value}" is not a whole number of seconds between 0 and 4294967295`);
    return 0;
  }
  return n;
}

type Kind = { kind: 'absent' } | { kind: 'dir'; mode: number } | { kind: 'file' | 'symlink' | 'special file' };

/** What is at a path; inside the tree a symlink is itself, never followed (the input path may be one). */
async function kindOf(path: string, follow = false): Promise<Kind> {
  try {
    const st = await (follow ? stat : lstat)(path);
    if (st.isDirectory()) return { kind: 'dir', mode: st.mode & 0o7777 };
    if (st.isSymbolicLink()) return { kind: 'symlink' };
    return { kind: st.isFile() ? 'file' : 'special file' };
  } catch (e) {
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return { kind: 'absent' };
    throw e;
  }
}
