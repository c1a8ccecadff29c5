/**
 * mark-devkit's configuration file, as far as metro uses it (reference metro.md §1.6): found
 * through -c/--config, MARKDEVKIT_CONFIG, or ./mark-devkit.{yml,yaml,json}; overridden by
 * MARKDEVKIT_<SECTION>__<KEY> variables. Only `general.debug` and `logging.level` change what
 * prefixkit does; everything else (colors, emoji, rest, tar_flows tuning) is accepted and unused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Value } from '../../gotemplate/value.js';
import { UsageError } from '../../util/errors.js';
import { decodeJson, decodeYaml } from '../yaml.js';

export interface MetroConfig {
  readonly file?: string;
  readonly debug: boolean;
  /** error and warning hide hook output, as in mark-devkit (it logs hook output at info). */
  readonly hookOutput: boolean;
}

const IMPLICIT = ['mark-devkit.yml', 'mark-devkit.yaml', 'mark-devkit.json'];

export function loadConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv): MetroConfig {
  const named = explicit || env.MARKDEVKIT_CONFIG;
  const file = named ? resolve(cwd, named) : IMPLICIT.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  let doc: Value = null;
  if (file) {
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { throw new UsageError(`config file ${named ?? file}: cannot be read (check -c/--config or MARKDEVKIT_CONFIG)`); }
    try { doc = file.endsWith('.json') ? decodeJson(text) : decodeYaml(text); } catch (e) { throw new UsageError(`config file ${file}: ${(e as Error).message}`); }
  }
  const get = (section: string, key: string): string | undefined => {
    const fromEnv = env[`MARKDEVKIT_${section.toUpperCase()}__${key.toUpperCase()}`];
    if (fromEnv !== undefined) return fromEnv;
    const s = doc instanceof Map ? doc.get(section) : undefined;
    const v = s instanceof Map ? s.get(key) : undefined;
    return v === undefined || v === null ? undefined : String(v);
  };
  const level = get('logging', 'level') ?? 'info';
  return { ...(file ? { file } : {}), debug: get('general', 'debug') === 'true', hookOutput: !['error', 'warning'].includes(level) };
}
