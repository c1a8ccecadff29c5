/**
 * Loading job spec files: yaml.v3-compatible decoding into the typed model, validation once at
 * the edge (one-line errors naming the file, the job and the field), `--job` selection across
 * several `--specfile`s, and the path rules of mark-devkit (reference metro.md §2.4).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join as pjoin, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { HOOK_TYPES, metroSpecSchema, OUTPUT_TYPES, SOURCE_TYPES, type Job, type MetroSpec } from './job.js';
import { decodeAs, FieldError } from './schema.js';
import { parseYaml, YamlError } from './yaml.js';

export interface LoadedSpec {
  /** The spec file as given, for messages. */
  readonly file: string;
  /** filepath.Abs of it (symlinks not resolved): relative paths in the jobs are based on its directory. */
  readonly path: string;
  readonly spec: MetroSpec;
}

export interface SelectedJob {
  readonly job: Job;
  readonly spec: LoadedSpec;
}

/** Go's filepath.Join: empty parts dropped, the result cleaned (no trailing slash), "" for nothing. */
export function goJoin(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  if (kept.length === 0) return '';
  const p = pjoin(...kept);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

const jobLabel = (job: Job, i: number) => job.name ? `job "${job.name}"` : `jobs[${i}]`;

/** Parses and validates one spec file's text. `file` names it in errors. */
export function parseSpec(text: string, file: string): MetroSpec {
  let spec: MetroSpec;
  try {
    const d = parseYaml(text);
    spec = decodeAs(d, d.root, metroSpecSchema) as MetroSpec;
  } catch (e) {
    if (e instanceof FieldError || e instanceof YamlError) {
      const m = /^(?:line (\d+): )?(.*)$/s.exec(e.message)!;
      throw new UsageError(`${file}${m[1] ? `:${m[1]}` : ''}: ${m[2]}`);
    }
    throw e;
  }
  spec.jobs.forEach((job, i) => {
    const bad = (fieldName: string, why: string): never => { throw new UsageError(`${file}: ${jobLabel(job, i)}: ${fieldName}: ${why}`); };
    const { type: st } = job.source, { type: ot } = job.output;
    if (st && !(SOURCE_TYPES as readonly string[]).includes(st)) bad('source.type', `"${st}" is not supported (use ${SOURCE_TYPES.join(' or ')})`);
    if (ot && !(OUTPUT_TYPES as readonly string[]).includes(ot)) bad('output.type', `"${ot}" is not supported (use ${OUTPUT_TYPES.join(' or ')})`);
    job.environments.forEach((e, j) => { if (!e) bad(`environments[${j}]`, 'is empty (expected key: and value:)'); });
  });
  return spec;
}

/** Reads and validates spec files; paths are resolved against `cwd`. */
export function loadSpecs(files: readonly string[], cwd: string): LoadedSpec[] {
  return files.map((file) => {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`--specfile ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    return { file, path, spec: parseSpec(text, file) };
  });
}

/** The first job named `name` in the files, in order (mark-devkit: the first match wins). */
export function selectJob(specs: readonly LoadedSpec[], name: string): SelectedJob {
  for (const spec of specs) {
    const job = spec.spec.jobs.find((j) => j.name === name);
    if (job) {
      checkHookFiles(job, spec);
      return { job, spec };
    }
  }
  const names = specs.flatMap((s) => s.spec.jobs.map((j) => j.name)).filter(Boolean);
  const where = specs.map((s) => s.file).join(', ');
  throw new UsageError(`No job with name ${name} found in ${where}; ${names.length ? `available: ${names.join(', ')}` : 'it has no jobs'}`);
}

/** The directory relative job paths are based on. */
export const specDir = (spec: LoadedSpec) => dirname(spec.path);

/**
 * Where a job's hooks files are. mark-devkit joins hooks_basedir to the spec directory even when
 * it is absolute (reference §7.1-14); prefixkit fixes that: an absolute hooks_basedir or hooks
 * file path is used as written, relative ones keep mark-devkit's bases.
 */
export function hooksBasedir(job: Job, spec: LoadedSpec): string {
  return isAbsolute(job.hooks_basedir) ? goJoin(job.hooks_basedir) : goJoin(specDir(spec), job.hooks_basedir);
}

export function hookFilePaths(job: Job, spec: LoadedSpec): string[] {
  const base = hooksBasedir(job, spec);
  return job.hooks_files.map((f) => isAbsolute(f) ? goJoin(f) : goJoin(base, f));
}

function checkHookFiles(job: Job, spec: LoadedSpec): void {
  hookFilePaths(job, spec).forEach((p, i) => {
    const ok = existsSync(p) && statSync(p).isFile();
    if (!ok) {
      const how = isAbsolute(job.hooks_files[i]!) ? '' : ` (hooks_files are relative to hooks_basedir ${JSON.stringify(job.hooks_basedir)}, which is relative to the spec's directory ${specDir(spec)})`;
      throw new UsageError(`${spec.file}: job "${job.name}": hooks_files[${i}]: file ${p} not present${how}`);
    }
  });
}

/** The hook types mark-devkit runs; a hook without a type is inner-chroot. */
export const isHookType = (t: string): boolean => (HOOK_TYPES as readonly string[]).includes(t);
