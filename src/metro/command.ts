/**
 * The logic behind `prefixkit diagnose job` and `prefixkit template render` (src/cli holds only
 * their yargs modules). Both return the exact bytes to print.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Failure, UsageError } from '../util/errors.js';
import { formatDiagnose } from './diagnose.js';
import { helmRender, isTemplateError, renderHelm } from './helm.js';
import { renderJob } from './render.js';
import { loadSpecs, selectJob } from './spec.js';
import { loadValues } from './values.js';

export interface DiagnoseOptions { readonly specfile: readonly string[]; readonly job: string; readonly json: boolean; readonly quiet: boolean }

/** Loads the spec files, renders the job, and returns what mark-devkit prints on stdout. */
export function diagnoseJobCommand(o: DiagnoseOptions, cwd: string, log: (line: string) => void): string {
  if (!o.job) throw new UsageError('--job is empty: name the job to render');
  for (const f of o.specfile) {
    if (!f) throw new UsageError('--specfile is empty: name a spec file');
    if (!o.quiet) log(`Loading specfile ${f}`);
  }
  const sel = selectJob(loadSpecs(o.specfile, cwd), o.job);
  return formatDiagnose(renderJob(sel, helmRender), { json: o.json });
}

export interface TemplateRenderOptions { readonly file: string; readonly values?: readonly string[]; readonly set?: readonly string[] }

/** Renders one template with .Values from files and --set; the output is returned as it is. */
export async function templateRenderCommand(o: TemplateRenderOptions, cwd: string, stdin: () => Promise<string> = readStdin): Promise<string> {
  const values = loadValues((o.values ?? []).map((f) => resolve(cwd, f)), o.set ?? []);
  let text: string;
  if (o.file === '-') text = await stdin();
  else {
    try { text = readFileSync(resolve(cwd, o.file), 'utf8'); }
    catch (e) { throw new UsageError(`${o.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`); }
  }
  try {
    return renderHelm(text, values);
  } catch (e) {
    if (isTemplateError(e)) throw new Failure(e.message);
    throw e;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
