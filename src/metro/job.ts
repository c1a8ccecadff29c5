/**
 * The job spec model: mark-devkit's `MetroSpec`/`Job`/`HookFile` (pkg/specs/definition.go, with the
 * v0.32 `source.tarformers_specs`), as schemas for yaml.v3-style decoding and Go-order printing.
 * Field names are the YAML keys, so the model reads like the spec files.
 */
import type { GoMap } from '../gotemplate/value.js';
import { bool, int, list, ptr, str, strmap, struct, values } from './schema.js';

export interface Bind { source: string; target: string }
export interface EnvVar { key: string; value: string }
export interface RenameRule { source: string; dest: string }

/** tar-formers' SpecFile (the fields mark-devkit users set; tuning knobs are accepted and kept). */
export interface TarformersSpec {
  match_prefix: string[]; ignore_files: string[]; ignore_regexes: string[];
  triggered_files: string[]; triggered_matches_prefix: string[];
  rename: RenameRule[];
  remap_uids: GoMap | null; remap_gids: GoMap | null; remap_users: GoMap | null; remap_groups: GoMap | null;
  same_owner: boolean; same_chtimes: boolean; map_entities: boolean; broken_links_fatal: boolean;
  enable_mutex: boolean; overwrite_perms: boolean;
  max_openfiles: number; copy_buffer_size: number; validate: boolean;
  writer: { dirs: string[]; files: string[] } | null;
}

export interface JobSource {
  type: string; uri: string; path: string; target: string;
  anise_config: string; anise_repos: string[]; anise_packages: string[];
  tarformers_specs: TarformersSpec | null;
  /** prefixkit's addition: `sha256:<hex>` or `sha512:<hex>` of the http download. */
  checksum: string;
}

export interface JobOutput { type: string; name: string; dir: string; tarformers_specs: TarformersSpec | null }

export interface Job {
  name: string;
  source: JobSource;
  output: JobOutput;
  options: GoMap | null;
  environments: Array<EnvVar | null>;
  chroot_binds: Bind[];
  workspacedir: string;
  hooks_basedir: string;
  hooks_files: string[];
}

export interface MetroSpec { version: string; jobs: Job[] }

export const HOOK_TYPES = ['outer-pre-sourcer', 'outer-pre-chroot', 'inner-chroot', 'outer-chroot', 'outer-post-chroot', 'outer-post-output'] as const;
export type HookType = typeof HOOK_TYPES[number];

export interface Hook {
  name: string; description: string; type: string;
  commands: string[]; entrypoint: string[]; chroot_binds: Bind[];
}
export interface HookFile { hooks: Hook[] }

export const SOURCE_TYPES = ['http', 'anise'] as const;
export const OUTPUT_TYPES = ['file'] as const;

const bindSchema = struct('specs.Bind', [['source', str], ['target', str]]);

export const tarformersSchema = struct('specs.SpecFile', [
  ['match_prefix', list(str)], ['ignore_files', list(str)], ['ignore_regexes', list(str)],
  ['triggered_files', list(str)], ['triggered_matches_prefix', list(str)],
  ['rename', list(struct('specs.RenameRule', [['source', str, false], ['dest', str, false]]))],
  ['remap_uids', strmap], ['remap_gids', strmap], ['remap_users', strmap], ['remap_groups', strmap],
  ['same_owner', bool], ['same_chtimes', bool], ['map_entities', bool], ['broken_links_fatal', bool],
  ['enable_mutex', bool], ['overwrite_perms', bool],
  ['max_openfiles', int], ['copy_buffer_size', int], ['validate', bool],
  ['writer', ptr(struct('specs.WriterRules', [['dirs', list(str)], ['files', list(str)]]))],
]);

export const jobSchema = struct('specs.Job', [
  ['name', str, false],
  ['source', struct('specs.JobSource', [
    ['type', str], ['uri', str], ['path', str], ['target', str],
    ['anise_config', str], ['anise_repos', list(str)], ['anise_packages', list(str)],
    ['tarformers_specs', ptr(tarformersSchema)],
    ['checksum', str],
  ])],
  ['output', struct('specs.JobOutput', [['type', str], ['name', str], ['dir', str], ['tarformers_specs', ptr(tarformersSchema)]])],
  ['options', values],
  ['environments', list(ptr(struct('specs.EnvVar', [['key', str, false], ['value', str, false]])))],
  ['chroot_binds', list(bindSchema)],
  ['workspacedir', str],
  ['hooks_basedir', str],
  ['hooks_files', list(str)],
]);

export const metroSpecSchema = struct('specs.MetroSpec', [['version', str], ['jobs', list(jobSchema)]]);

export const hookSchema = struct('specs.Hook', [
  ['name', str], ['description', str], ['type', str], ['commands', list(str)], ['entrypoint', list(str)], ['chroot_binds', list(bindSchema)],
]);
export const hookFileSchema = struct('specs.HookFile', [['hooks', list(hookSchema)]]);
