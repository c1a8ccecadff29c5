/**
 * The packer: the finished rootfs becomes `<dir>/<name>`, compressed as the name says, with
 * catalyst's `<name>.DIGESTS` and `<name>.CONTENTS.gz` beside it. Unlike mark-devkit (reference
 * metro.md §4.7, §7.1) it keeps every xattr and ACL, devices, FIFOs and sub-second mtimes,
 * skips sockets with a warning, gives the root directory mode 0755, compresses on every core,
 * refuses an empty rootfs, and writes under temp names renamed only on success, so a failure or
 * an abort leaves a previous output untouched.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Failure, UsageError } from '../../util/errors.js';
import { writeAtomic } from '../../util/fs.js';
import { formatProgress, type Log } from '../../util/log.js';
import { isInstalled } from '../../util/tools.js';
import { compressionOfName, compressorArgv, TARBALL_SUFFIXES } from '../compression.js';
import type { TarformersSpec } from '../job.js';
import { writeArchive } from './archive.js';
import { digestsText, writeHashed, type Digest } from './digests.js';
import { compileFilter, filteredEntries } from './filter.js';

export interface PackOptions {
  readonly rootfs: string;                          // absolute
  readonly dir: string;                             // output.dir, absolute; created if missing
  readonly name: string;                            // output.name, e.g. stage3-amd64-2026-11-25.tar.xz
  readonly tarformers?: TarformersSpec | null;      // output.tarformers_specs
  readonly log: Log;
  readonly signal?: AbortSignal;                    // abort: kill tar+compressor (process group), remove the temp file, reject
}

export interface PackResult { readonly path: string; readonly bytes: number; readonly sha512: string; readonly blake2b: string }

export async function packRootfs(o: PackOptions): Promise<PackResult> {
  validateOutput(o.name, o.tarformers);
  o.signal?.throwIfAborted();
  const rootfs = resolve(o.rootfs);
  const path = join(o.dir, o.name); // as Go's filepath.Join: a name with a slash lands below dir
  const inside = relative(rootfs, dirname(path));
  if (inside !== '..' && !inside.startsWith('../') && !isAbsolute(inside)) {
    throw new UsageError(`output.dir ${o.dir} is inside the rootfs ${rootfs}: the tarball would pack itself`);
  }
  const filter = compileFilter(o.tarformers);
  warnUnsupported(o.tarformers, o.log);
  try {
    await checkNotEmpty(rootfs);
    const entries = filter && firstEntries(filteredEntries(rootfs, filter, (m) => o.log.warn(m)), rootfs);
    // A stage tarball's `./` must be 0755; the pipeline creates the rootfs 0700, and it is ours.
    await chmod(rootfs, 0o755);
    await mkdir(dirname(path), { recursive: true });
    return await o.log.spin(`Packing ${o.name}`, (detail) => writeOutputs({ ...o, rootfs }, path, entries, detail));
  } catch (e) {
    // A full disk or an unwritable dir is not a bug: one line, no stack.
    throw e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string' ? new Failure(`packing ${path} failed: ${e.message}`) : e;
  }
}

/** Before any side effect of a run: throws UsageError for an output name that is not a tarball name (list the accepted suffixes), invalid ignore_regexes, or missing compressor tools. */
export function validateOutput(name: string, tarformers?: TarformersSpec | null): void {
  const compression = compressionOfName(name);
  if (!compression) {
    throw new UsageError(`output.name ${JSON.stringify(name)} is not a tarball name: it must end in one of ${TARBALL_SUFFIXES.join(', ')}`);
  }
  compileFilter(tarformers);
  const missing = ['tar', ...(compressorArgv(compression)?.slice(0, 1) ?? [])].filter((tool) => !isInstalled(tool));
  if (missing.length) throw new UsageError(`output.name ${JSON.stringify(name)} needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not on PATH`);
}

/**
 * Streams the tarball and tar's listing into hidden temp files beside the output, then renames
 * them into place, DIGESTS last. Whatever happens, no temp file outlives this call.
 */
async function writeOutputs(o: PackOptions, path: string, entries: Iterable<Buffer> | undefined, detail: (d: string) => void): Promise<PackResult> {
  const temp = (suffix: string) => join(dirname(path), `.${basename(path)}${suffix}.${randomBytes(4).toString('hex')}.part`);
  const tarTemp = temp('');
  const indexTemp = temp('.CONTENTS');
  const contentsTemp = temp('.CONTENTS.gz');
  const handles: FileHandle[] = [];
  try {
    const out = await create(tarTemp, handles);
    const started = Date.now();
    let shown = 0;
    const progress = (bytes: number) => {
      if (Date.now() - shown < 250) return; // a few updates a second at most
      shown = Date.now();
      detail(formatProgress(bytes, started));
    };
    const { bytes, digest } = await writeArchive({
      rootfs: o.rootfs, compression: compressionOfName(o.name)!, out, indexPath: indexTemp, log: o.log, progress,
      ...(entries ? { entries } : {}), ...(o.signal ? { signal: o.signal } : {}),
    });
    detail(formatProgress(bytes, started));
    const contents = await gzipInto(indexTemp, await create(contentsTemp, handles));
    for (const h of handles) await h.sync();
    o.signal?.throwIfAborted();
    await rename(tarTemp, path);
    await rename(contentsTemp, `${path}.CONTENTS.gz`);
    await writeAtomic(`${path}.DIGESTS`, digestsText([[basename(path), digest], [`${basename(path)}.CONTENTS.gz`, contents]]));
    await syncDir(dirname(path));
    return { path, bytes, ...digest };
  } finally {
    await Promise.all(handles.map((h) => h.close().catch(() => {})));
    await Promise.all([tarTemp, indexTemp, contentsTemp].map((p) => rm(p, { force: true })));
  }
}

/** mark-devkit's spec also adds or renames entries; we only pack the rootfs, so say so. */
function warnUnsupported(spec: TarformersSpec | null | undefined, log: Log): void {
  if (spec?.writer?.dirs.length) log.warn(`output.tarformers_specs.writer.dirs is not supported and is ignored: only the rootfs is packed (${spec.writer.dirs.join(', ')})`);
  if (spec?.writer?.files.length) log.warn(`output.tarformers_specs.writer.files is not supported and is ignored: only the rootfs is packed (${spec.writer.files.join(', ')})`);
  if (spec?.rename.length) log.warn('output.tarformers_specs.rename is not supported and is ignored: entries keep their rootfs names');
}

async function checkNotEmpty(rootfs: string): Promise<void> {
  const st = await stat(rootfs).catch(() => undefined);
  if (!st?.isDirectory()) throw new Failure(`cannot pack ${rootfs}: it is not a directory`);
  if ((await readdir(rootfs)).length === 0) {
    throw new Failure(`refusing to pack an empty rootfs (${rootfs}): the source phase was skipped or produced nothing`);
  }
}

/** The filtered entries, failing early when the filters leave nothing but `.` to pack. */
function firstEntries(entries: Generator<Buffer>, rootfs: string): Iterable<Buffer> {
  const head: Buffer[] = [];
  for (;;) {
    const next = entries.next();
    if (next.done) throw new Failure(`refusing to pack an empty tarball: output.tarformers_specs filters out every entry of ${rootfs}`);
    head.push(next.value);
    if (!next.value.equals(Buffer.from('.'))) break;
  }
  return (function* () {
    yield* head;
    yield* entries;
  })();
}

async function create(path: string, handles: FileHandle[]): Promise<FileHandle> {
  const h = await open(path, 'wx', 0o644);
  handles.push(h);
  await h.chmod(0o644); // whatever the umask
  return h;
}

/** Gzips tar's listing into the CONTENTS temp file, hashing what it writes. */
async function gzipInto(index: string, out: FileHandle): Promise<Digest> {
  let digest: Digest | undefined;
  await pipeline(createReadStream(index), createGzip(), async (gz: AsyncIterable<Buffer>) => { ({ digest } = await writeHashed(gz, out)); });
  return digest!;
}

/** Makes the renames durable. */
async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
