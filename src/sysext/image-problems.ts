import { imageNameProblem, systemdArch } from './release.js';
import { RELEASE_DIR } from './image-release.js';
import type { ImageEntry } from './image-reader.js';

export interface ProblemFacts {
  readonly name: string;
  readonly entries: readonly ImageEntry[];
  readonly releaseFile?: { readonly path: string; readonly matches: boolean };
  readonly release: Readonly<Record<string, string>>;
  readonly elfArch?: string;
}

/** Paths named in one problem at most; the rest are counted. */
const SHOW = 5;

/** What would make systemd refuse, skip or half-merge the image (reference sysext.md §2), one sentence each. */
export function imageProblems(f: ProblemFacts): string[] {
  const problems: string[] = [];
  const nameProblem = imageNameProblem(f.name);
  if (nameProblem) problems.push(nameProblem);
  problems.push(...releaseProblems(f));
  if (f.entries.some((e) => e.path === 'usr/lib/os-release')) {
    problems.push('usr/lib/os-release is present: systemd refuses extension images that carry it');
  }
  const outside = f.entries.filter((e) => !e.path.includes('/') && e.path !== 'usr' && e.path !== 'opt').map((e) => e.path);
  if (outside.length > 0) problems.push(`entries outside usr/ and opt/ are never merged: ${some(outside)}`);
  const foreign = f.entries.filter((e) => e.uid !== 0 || e.gid !== 0).map((e) => e.path);
  if (foreign.length > 0) problems.push(`not owned by root:root (build with -all-root/--all-root): ${some(foreign)}`);
  return problems;
}

function releaseProblems(f: ProblemFacts): string[] {
  if (!f.releaseFile) return [`no release file ${RELEASE_DIR}/extension-release.${f.name}: systemd fails the whole merge ("No medium found")`];
  const problems: string[] = [];
  if (!f.releaseFile.matches) {
    const other = f.releaseFile.path.slice(`${RELEASE_DIR}/extension-release.`.length);
    problems.push(`release file extension-release.${other} does not match the image name "${f.name}": systemd fails the merge unless the image is named ${other}.raw (or the file has the xattr user.extension-release.strict=0)`);
  }
  const { ID, ARCHITECTURE, SYSEXT_SCOPE } = f.release;
  if (!ID) problems.push('the release file has no ID=: systemd ignores the image');
  if (ARCHITECTURE !== undefined) {
    const valid = systemdArch(ARCHITECTURE);
    if (valid !== ARCHITECTURE) problems.push(`ARCHITECTURE=${ARCHITECTURE} is not a systemd architecture name${valid ? ` (use ${valid})` : ''}: the image never merges`);
    else if (f.elfArch && ARCHITECTURE !== '_any' && ARCHITECTURE !== f.elfArch) problems.push(`ARCHITECTURE=${ARCHITECTURE}, but the programs inside are ${f.elfArch}`);
  }
  if (SYSEXT_SCOPE !== undefined && !SYSEXT_SCOPE.split(/\s+/).includes('system')) {
    problems.push(`SYSEXT_SCOPE=${SYSEXT_SCOPE} does not include "system": a booted host skips the image`);
  }
  return problems;
}

const some = (paths: readonly string[]) => paths.length > SHOW ? `${paths.slice(0, SHOW).join(', ')} and ${paths.length - SHOW} more` : paths.join(', ');
