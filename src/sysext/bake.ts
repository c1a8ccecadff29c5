/**
 * `sysext bake`: a reproducible systemd-sysext image (squashfs or erofs) from a root directory,
 * with the release file systemd needs added in the image only (reference sysext.md §1, §2, §5).
 * planBake decides and validates everything; formatBakePlan is --dry-run; executeBake builds the
 * image under a temporary name, then renames it and writes NAME.raw.sha256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { findTool } from '../util/tools.js';
import { interruptible } from '../util/interrupt.js';
import { Failure, UsageError } from '../util/errors.js';
import { writeAtomic } from '../util/fs.js';
import { formatBytes, type Log } from '../util/log.js';
import { run } from '../util/run.js';
import { shellLine } from '../util/shell.js';
import { elfArchitectures } from './bake-arch.js';
import { FORMATS, imageArgv, imageTool, type ImageFormat, type ImageTool } from './bake-image.js';
import { MERGED, makeStage, removeStage, stagedArgv } from './bake-stage.js';
import { RELEASE_DIR, checkName, checkOutput, checkTree, epoch, protectPaths, releaseBase, userArch, type Findings, type LayerDir } from './bake-validate.js';
import { formatRelease, hostArch, type ReleaseFields } from './release.js';

export interface BakeOptions {
  readonly input: string;
  readonly name: string;
  readonly format: ImageFormat;
  readonly os: string;
  readonly versionId?: string;
  readonly sysextLevel?: string;
  readonly arch?: string;
  readonly outputDir: string;
  readonly force: boolean;
  readonly protect: readonly string[];
  readonly sourceDateEpoch?: number;
}

export interface BakePlan {
  readonly name: string;
  readonly input: string;
  readonly format: ImageFormat;
  readonly release: ReleaseFields;
  readonly releaseText: string;
  /** In the image: usr/lib/extension-release.d/extension-release.NAME. */
  readonly releasePath: string;
  /** Where ARCHITECTURE came from, for the plan text. */
  readonly archSource: string;
  /** Directories of the release layer, root first, with the modes the image gets. */
  readonly layer: readonly LayerDir[];
  readonly image: string;
  readonly checksum: string;
  readonly tempImage: string;
  readonly stageDir: string;
  /** The image tool alone, reading the staged tree. */
  readonly toolArgv: readonly string[];
  /** What runs, in stageDir: the tool inside a private mount namespace with the overlay. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly force: boolean;
  readonly warnings: readonly string[];
}

export interface BakeResult {
  readonly image: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Validates the options and the tree; throws one UsageError listing every problem. */
export async function planBake(o: BakeOptions): Promise<BakePlan> {
  const f: Findings = { problems: [], warnings: [] };
  for (const [what, p] of [['input', o.input], ['output directory', o.outputDir]] as const) {
    if (!p.startsWith('/')) f.problems.push(`${what} ${p} must be an absolute path`);
  }
  const input = o.input.replace(/(.)\/+$/, '$1');
  checkName(o.name, f);
  if (!FORMATS.includes(o.format)) f.problems.push(`--format ${o.format} is not supported: use ${FORMATS.join(' or ')}`);
  const base = releaseBase(o, f);
  const arch = o.arch === undefined ? undefined : userArch(o.arch, f);
  const sourceDateEpoch = epoch(o.sourceDateEpoch ?? process.env.SOURCE_DATE_EPOCH, f);
  const protect = protectPaths(o.protect, f);
  const image = join(o.outputDir, `${o.name}.raw`);
  const found = await checkTree(input, o.name, protect, f);
  await checkOutput(input, o.outputDir, image, o.force, f);
  const probed = FORMATS.includes(o.format) ? await imageTool(o.format) : undefined;
  if (typeof probed === 'string') f.problems.push(probed);
  const [unshare, mount] = [['unshare', 'util-linux'], ['mount', 'mount']].map(([name, pkg]) => {
    const path = findTool(name!);
    if (!path) f.problems.push(`${name} is not installed (needed to stage the tree): apt-get install ${pkg}`);
    return path!;
  });
  if (f.problems.length) throw bakeError(input, o.name, f.problems);
  const tool = probed as ImageTool; // a missing tool or bad format was a problem above

  const detected = arch ? undefined : detectArch(input, f);
  const release: ReleaseFields = { ...base, ARCHITECTURE: arch ?? detected!.arch };
  const releasePath = `${RELEASE_DIR}/extension-release.${o.name}`;
  const modes = new Map(found.map((d) => [d.path, d.mode]));
  const layer = ['.', ...RELEASE_DIR.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))]
    .map((path) => ({ path, mode: modes.get(path) ?? 0o755 }));
  const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const tempImage = join(o.outputDir, `.${o.name}.raw.${tag}.part`);
  const stageDir = join(o.outputDir, `.${o.name}.raw.${tag}.stage`);
  const toolArgv = imageArgv(o.format, tool, MERGED, tempImage);
  return {
    name: o.name, input, format: o.format, release, releaseText: formatRelease(release), releasePath,
    archSource: arch ? `--arch ${o.arch}` : detected!.source, layer, image, checksum: `${image}.sha256`, tempImage, stageDir, toolArgv,
    argv: stagedArgv(unshare, mount, input, toolArgv, process.getuid?.() === 0),
    env: { SOURCE_DATE_EPOCH: String(sourceDateEpoch) }, force: o.force, warnings: f.warnings,
  };
}

/** The --dry-run text: the same steps executeBake walks, with the release file in full. */
export function formatBakePlan(p: BakePlan): string {
  const lines = [
    `Plan: bake ${p.name}.raw (${p.format}) from ${p.input}`,
    ...p.warnings.map((w) => `  warning: ${w}`),
    '',
    `1. stage: release layer in ${p.stageDir}/release (the input tree is not written)`,
    ...p.layer.map((d) => `   - mkdir ${d.path === '.' ? '(layer root)' : d.path} (mode ${d.mode.toString(8)})`),
    `   - write ${p.releasePath} (mode 644; ARCHITECTURE from ${p.archSource})`,
    ...p.releaseText.trimEnd().split('\n').map((l) => `       | ${l}`),
    '',
    `2. image: overlay release:${p.input} in a private mount namespace, then ${p.format}`,
    `   - run ${shellLine(p.toolArgv, p.env)}`,
    `   - in ${p.stageDir}: ${shellLine(p.argv, p.env)}`,
    '',
    `3. publish: ${p.force ? 'replace' : 'create'} ${p.image} and ${p.checksum}`,
    `   - rename ${p.tempImage} -> ${p.image}`,
    `   - write ${p.checksum} ("<sha256>  ${p.name}.raw")`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Builds the image. Whatever happens (tool failure, Ctrl-C, SIGTERM) the stage directory and the
 * partial image are removed, and an existing NAME.raw is only ever replaced by a complete one.
 */
export async function executeBake(p: BakePlan, log: Log): Promise<BakeResult> {
  for (const w of p.warnings) log.warn(w);
  try {
    return await interruptible(`${p.name}.raw was not written`, (signal) => buildImage(p, log, signal));
  } finally {
    await rm(p.tempImage, { force: true });
    await removeStage(p.stageDir);
  }
}

async function buildImage(p: BakePlan, log: Log, signal: AbortSignal): Promise<BakeResult> {
  log.step(1, 3, 'stage', `release layer for ${p.name}`);
  await mkdir(dirname(p.image), { recursive: true });
  await makeStage(p.stageDir, p.layer, p.releasePath, p.releaseText);
  log.step(2, 3, 'image', `${p.format} image of ${p.input}`);
  log.info(`$ ${shellLine(p.toolArgv, p.env)}`);
  await log.spin(`building ${p.name}.raw (${p.format})`, (detail) => watchSize(p.tempImage, detail, () =>
    run(p.argv, { cwd: p.stageDir, env: { ...process.env, ...p.env }, log, label: p.toolArgv[0]!.replace(/.*\//, ''), signal })));
  signal.throwIfAborted();
  log.step(3, 3, 'publish', p.image);
  const sha256 = await sha256Of(p.tempImage, signal);
  const { size: bytes } = await stat(p.tempImage);
  if (!p.force && (await stat(p.image).catch(() => undefined))) throw new Failure(`${p.image} appeared while baking: not replaced (use --force)`);
  await rename(p.tempImage, p.image);
  await writeAtomic(p.checksum, `${sha256}  ${p.name}.raw\n`);
  log.info(summary(p, sha256, bytes));
  return { image: p.image, sha256, bytes };
}

function summary(p: BakePlan, sha256: string, bytes: number): string {
  return [
    '',
    `Baked ${p.name}.raw`,
    `  file:    ${p.image}`,
    `  format:  ${p.format}`,
    `  size:    ${formatBytes(bytes)} (${bytes} bytes)`,
    `  sha256:  ${sha256} (also in ${p.checksum})`,
    `  release: ${p.releasePath}`,
    ...p.releaseText.trimEnd().split('\n').map((l) => `           ${l}`),
    `Install: cp ${p.image} /var/lib/extensions/${p.name}.raw (or symlink it as /etc/extensions/${p.name}.raw,`,
    `         keeping the name ${p.name}.raw), then run systemd-sysext refresh`,
  ].join('\n');
}

/** The architecture of the ELF files in the tree, else the host's, with where it came from. */
function detectArch(input: string, f: Findings): { arch: string; source: string } {
  const found = elfArchitectures(input);
  if (!found.length) {
    const arch = hostArch();
    f.warnings.push(`no ELF files under usr/ or opt/: ARCHITECTURE=${arch} (this host); pass --arch _any if the content runs anywhere`);
    return { arch, source: 'this host (no ELF files in the tree)' };
  }
  const [top] = found;
  if (found.length > 1) {
    f.warnings.push(`ELF files of several architectures: ${found.map((a) => `${a.arch} (${a.files}, e.g. ${a.example})`).join(', ')}; using ${top!.arch}, pass --arch to choose`);
  }
  return { arch: top!.arch, source: `the ELF files in the tree (${top!.files} ${top!.arch})` };
}

/** Shows the growing temporary image's size while `work` runs. */
async function watchSize<T>(path: string, detail: (d: string) => void, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => { stat(path).then((s) => detail(`${formatBytes(s.size)} written`), () => {}); }, 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

async function sha256Of(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads: 64 KiB ones take 2.5 times as long on a large image.
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function bakeError(input: string, name: string, problems: readonly string[]): UsageError {
  if (problems.length === 1) return new UsageError(`cannot bake ${name}.raw from ${input}: ${problems[0]}`);
  return new UsageError(`cannot bake ${name}.raw from ${input} (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
