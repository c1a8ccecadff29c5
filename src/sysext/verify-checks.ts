/**
 * The per-file checks of `verify`: an ELF file's interpreter, RUNPATH/RPATH and DT_NEEDED, a
 * script's shebang, a symlink's destination. Each returns the problems it finds; paths are target
 * paths and every lookup goes through the TargetRoot.
 */
import { posix } from 'node:path';
import type { ElfFile } from '../elf/read.js';
import { expandDst, type LibraryFinder } from './verify-libs.js';
import { isInside, type TargetRoot } from './verify-root.js';
import type { VerifyProblem } from './verify.js';

export interface CheckContext {
  readonly root: TargetRoot;
  readonly eprefix: string;
  readonly libs: LibraryFinder;
  /** ld.so.conf and default library directories of the prefix. */
  readonly libraryDirs: readonly string[];
}

type Kind = VerifyProblem['kind'];
const leak = (path: string, kind: Kind, detail: string): VerifyProblem => ({ path, kind, detail, severity: 'leak' });
const warning = (path: string, kind: Kind, detail: string): VerifyProblem => ({ path, kind, detail, severity: 'warning' });

/** Interpreters every target has; a script using them is fine but worth a look. */
const HOST_SHELLS = new Set(['/bin/sh', '/usr/bin/sh']);
const HOST_ENV = new Set(['/usr/bin/env', '/bin/env']);

export async function checkElf(c: CheckContext, path: string, elf: ElfFile): Promise<VerifyProblem[]> {
  const out: VerifyProblem[] = [];
  if (elf.damaged) {
    const headers = elf.damaged.part === 'headers';
    out.push(warning(path, headers ? 'interp' : 'needed', `unreadable ELF ${headers ? 'program headers' : 'dynamic section'} (${elf.damaged.reason}): not checked`));
  }
  if (elf.interp !== undefined) {
    const problem = await pathProblem(c, elf.interp);
    if (problem) out.push(leak(path, 'interp', `interpreter ${elf.interp} ${problem}`));
  }
  const search = await searchPath(c, path, elf);
  out.push(...search.problems);
  const dirs = [...search.inside, ...c.libraryDirs];
  for (const name of elf.needed) {
    if (name.includes('/')) {
      const problem = name.startsWith('/') ? await pathProblem(c, name) : 'is relative to the working directory';
      if (problem) out.push(leak(path, 'needed', `${name} ${problem}`));
      continue;
    }
    const r = await c.libs.find(name, dirs, elf, search.outside);
    if (r.found) continue;
    out.push(leak(path, 'needed', r.outside ? `${name} found only at ${r.outside} (outside ${c.eprefix})`
      : r.onHost ? `${name} not in ${c.eprefix}; would come from the host's ${r.onHost}` : `${name} not found`));
  }
  return out;
}

/**
 * The RUNPATH (or RPATH) directories, resolved in the root and split into those inside and
 * outside the prefix; each outside or relative entry is a leak. glibc ignores DT_RPATH when
 * DT_RUNPATH is present, so only the one in effect is checked; an empty one is no search path.
 */
async function searchPath(c: CheckContext, path: string, elf: ElfFile) {
  const label = elf.runpath !== undefined ? 'RUNPATH' : 'RPATH';
  const inside: string[] = [], outside: string[] = [], problems: VerifyProblem[] = [];
  const spec = elf.runpath ?? elf.rpath;
  for (const entry of spec ? spec.split(':') : []) {
    const expanded = expandDst(entry, posix.dirname(path), elf);
    if (!expanded.startsWith('/')) {
      problems.push(leak(path, 'runpath', `${label} entry "${entry}" is relative to the working directory`));
      continue;
    }
    const normal = posix.normalize(expanded);
    const real = await c.root.resolve(normal);
    const dir = real.stat ? real.path : normal;
    if (isInside(dir, c.eprefix)) inside.push(dir);
    else {
      outside.push(dir);
      problems.push(leak(path, 'runpath', `${label} entry ${entry}${dir !== entry ? ` (${dir})` : ''} is outside ${c.eprefix}`));
    }
  }
  return { inside, outside, problems };
}

/** Why an absolute path a file depends on is not provided by the prefix, or undefined when it is. */
async function pathProblem(c: CheckContext, target: string): Promise<string | undefined> {
  if (!target.startsWith('/')) return 'is relative to the working directory';
  if (!isInside(posix.normalize(target), c.eprefix)) return `is outside ${c.eprefix}`;
  const real = await c.root.resolve(target);
  if (!isInside(real.path, c.eprefix)) return `resolves to ${real.path}, outside ${c.eprefix}`;
  return real.stat ? undefined : 'not found';
}

/** A script's `#!` line (the first line of `head`), as the kernel parses it. */
export async function checkShebang(c: CheckContext, path: string, head: Uint8Array): Promise<VerifyProblem[]> {
  const nl = head.indexOf(0x0a);
  const line = Buffer.from(head.subarray(0, nl < 0 ? Math.min(head.length, 256) : nl)).toString('utf8');
  const [interp = '', ...args] = line.slice(2).trim().split(/[ \t]+/);
  if (interp === '') return [warning(path, 'shebang', `"${line}" names no interpreter`)];
  if (HOST_SHELLS.has(interp)) return [warning(path, 'shebang', `${line}: runs with the host's ${interp}`)];
  if (HOST_ENV.has(interp)) return [warning(path, 'shebang', `${line}: ${args[0] ?? 'the command'} is looked up in the host's PATH`)];
  const problem = await pathProblem(c, interp);
  return problem ? [leak(path, 'shebang', `${line}: interpreter ${interp} ${problem}`)] : [];
}

/**
 * Where a symlink leads on the target: outside the prefix is a leak, nowhere is a warning.
 * Portage's own configuration (EPREFIX/etc/portage, e.g. make.profile pointing at the build
 * host's repository) is only read when building, so there it is a warning.
 */
export async function checkSymlink(c: CheckContext, path: string, to: string): Promise<VerifyProblem[]> {
  const real = await c.root.resolve(path);
  if (!isInside(real.path, c.eprefix)) {
    const detail = `-> ${to} resolves to ${real.path}, outside ${c.eprefix}`;
    return isInside(path, `${c.eprefix}/etc/portage`) ? [warning(path, 'symlink', `${detail} (Portage build configuration, not used at run time)`)] : [leak(path, 'symlink', detail)];
  }
  return real.stat ? [] : [warning(path, 'symlink', `-> ${to} is dangling (${real.path} does not exist)`)];
}
