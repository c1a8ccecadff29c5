/**
 * The logic behind `prefixkit sysext bake|inspect|check` and `prefixkit verify` (src/cli holds
 * only their yargs modules). bake takes a root directory, or the final root of a prefix that
 * setup_prefix made, and checks that the prefix is self-contained before it builds the image.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { findPrefix } from '../prefix/command.js';
import { Failure, UsageError } from '../util/errors.js';
import { Log } from '../util/log.js';
import { executeBake, formatBakePlan, planBake, type BakeOptions } from './bake.js';
import { checkImage, formatCheckResult } from './check.js';
import { formatImageInfo, inspectImage } from './inspect.js';
import { formatVerifyReport, verifyJson, verifyPrefix, type VerifyReport } from './verify.js';

export interface SysextBakeArgs {
  readonly root?: string; readonly prefix?: string; readonly board?: string; readonly scriptsRoot?: string;
  readonly name?: string; readonly eprefix?: string;
  readonly format: BakeOptions['format']; readonly os: string; readonly versionId?: string; readonly sysextLevel?: string;
  readonly arch?: string; readonly output?: string; readonly force: boolean; readonly protect?: readonly string[];
  readonly strict: boolean; readonly dryRun: boolean; readonly quiet: boolean;
}

export async function sysextBakeCommand(a: SysextBakeArgs, cwd: string): Promise<void> {
  const log = new Log(a.quiet);
  const src = await bakeSource(a, cwd);
  const plan = await planBake({
    input: src.root, name: a.name ?? src.name, format: a.format, os: a.os,
    ...(a.versionId ? { versionId: a.versionId } : {}), ...(a.sysextLevel ? { sysextLevel: a.sysextLevel } : {}),
    ...((a.arch ?? src.arch) ? { arch: (a.arch ?? src.arch)! } : {}),
    outputDir: resolve(cwd, a.output ?? '.'), force: a.force, protect: a.protect ?? ['usr/sbin'],
  });
  if (a.dryRun) {
    process.stdout.write(formatBakePlan(plan));
    return;
  }
  if (src.eprefix) {
    const report = await verifyPrefix(src.root, src.eprefix);
    const leaks = report.problems.filter((p) => p.severity === 'leak');
    if (leaks.length) {
      const what = `${src.eprefix} is not self-contained: ${leaks.length} leak(s), e.g. ${leaks[0]!.path}: ${leaks[0]!.detail}`;
      if (a.strict) throw new Failure(`${what} (see \`prefixkit verify ${src.root} --eprefix ${src.eprefix}\`; without --strict the image is baked anyway)`);
      log.warn(`${what}; see \`prefixkit verify ${src.root} --eprefix ${src.eprefix}\``);
    } else log.info(`verified: ${src.eprefix} depends on nothing outside itself (${report.elfFiles} ELF files, ${report.scripts} scripts)`);
  } else log.warn('no EPREFIX known (give --eprefix): the self-containment check was skipped');
  await executeBake(plan, log);
}

interface BakeSource { readonly root: string; readonly name: string; readonly eprefix?: string; readonly arch?: string }

/** The tree to bake and what is known of it: a prefix's final root, or a directory. */
async function bakeSource(a: SysextBakeArgs, cwd: string): Promise<BakeSource> {
  if (a.prefix && a.root) throw new UsageError('give either a root directory or --prefix NAME, not both');
  if (a.prefix) {
    const m = await findPrefix(resolve(cwd, a.scriptsRoot ?? '.'), a.prefix, a.board);
    return { root: m.finalRoot, name: m.name, eprefix: a.eprefix ?? m.eprefix, arch: m.board };
  }
  if (!a.root) throw new UsageError('name the root directory to bake, or --prefix NAME for a prefix made by setup_prefix');
  const root = resolve(cwd, a.root);
  const eprefix = a.eprefix ?? soleEprefix(root);
  return { root, name: basename(root), ...(eprefix ? { eprefix } : {}) };
}

/** The prefix in a root when there is exactly one candidate: a single directory under usr/local or opt. */
function soleEprefix(root: string): string | undefined {
  const found = ['usr/local', 'opt'].flatMap((base) => {
    const dir = join(root, base);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `/${base}/${d.name}`);
  });
  return found.length === 1 ? found[0] : undefined;
}

export async function sysextInspectCommand(a: { image: string; json: boolean }, cwd: string): Promise<void> {
  const info = await inspectImage(resolve(cwd, a.image));
  process.stdout.write(a.json ? `${JSON.stringify(info, null, 2)}\n` : formatImageInfo(info));
}

/** Exit 1 when systemd would not merge the image (it says so with exit 0 itself). */
export async function sysextCheckCommand(a: { image: string; osRelease?: string; run?: readonly string[]; json: boolean; quiet: boolean }, cwd: string): Promise<void> {
  const r = await checkImage(resolve(cwd, a.image), { ...(a.osRelease ? { osRelease: resolve(cwd, a.osRelease) } : {}), ...(a.run?.length ? { run: a.run } : {}) }, new Log(a.quiet));
  process.stdout.write(a.json ? `${JSON.stringify(r, null, 2)}\n` : formatCheckResult(r, a.image));
  if (!r.merged || (r.probe && r.probe.status !== 0)) process.exitCode = 1;
}

/** Exit 1 when anything leaks; warnings alone pass. */
export async function verifyCommand(a: { root: string; eprefix: string; json: boolean }, cwd: string): Promise<void> {
  const report: VerifyReport = await verifyPrefix(resolve(cwd, a.root), a.eprefix);
  process.stdout.write(a.json ? verifyJson(report) : formatVerifyReport(report));
  if (report.problems.some((p) => p.severity === 'leak')) process.exitCode = 1;
}
