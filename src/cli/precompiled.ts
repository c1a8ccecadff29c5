/**
 * A cold `diagnose job` is mostly V8 compiling and first-running the template engine and the YAML
 * code, and Node 20 has no compile cache of its own. So bin/prefixkit.js runs a plain `diagnose
 * job` from dist/fast/diagnose.cjs (src/cli/fast.ts as one CommonJS bundle) through a V8 code
 * cache beside it. The cache is taken after a run, so it holds the bytecode of every function that
 * run compiled: scripts/build.mjs makes one from an example job, and a run rewrites it when V8
 * rejects it (another Node version) or it is missing. This file is bundled as dist/fast/load.cjs.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

type FastEntry = typeof import('./fast.js');

/** Runs a plain `diagnose job` from the precompiled bundle; false when `args` are not one. */
export async function fastMain(args: readonly string[]): Promise<boolean> {
  const bundle = fileURLToPath(new URL('diagnose.cjs', import.meta.url));
  const { entry, script, stale } = loadWithCache<FastEntry>(bundle);
  const handled = await entry.fastMain(args);
  if (handled && (stale || process.env.PREFIXKIT_WRITE_CODE_CACHE === '1') && !process.exitCode) saveCache(script, `${bundle}.cache`);
  return handled;
}

/** Compiles a CommonJS file with its code cache, if any, and runs it; `stale` when V8 had no usable cache. */
function loadWithCache<T>(file: string): { entry: T; script: Script; stale: boolean } {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  try { cachedData = readFileSync(`${file}.cache`); } catch { /* none yet: this run writes it */ }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} as T };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { entry: module.exports, script, stale: !cachedData || script.cachedDataRejected === true };
}

/** Writes the cache through a temporary name; a read-only install simply stays without one. */
function saveCache(script: Script, path: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, path);
  } catch {
    rmSync(temp, { force: true });
  }
}
