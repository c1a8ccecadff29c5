/**
 * `diagnose job`: the rendered job as mark-devkit prints it, so that the two outputs can be
 * diffed. YAML is yaml.v3's Marshal of JobRendered (`job:` then `hooks:`) followed by Println's
 * newline; JSON is encoding/json's, with the job's fields inlined and the output object named
 * `output` (mark-devkit's struct tag names it `omitempty`).
 */
import { Failure } from '../util/errors.js';
import { EncodeError, encodeJson, encodeYaml, field, Struct, type Enc } from './encode.js';
import { hookFileSchema, jobSchema } from './job.js';
import type { RenderedJob } from './render.js';
import { toEnc } from './schema.js';

export function jobRenderedEnc(r: RenderedJob): Struct {
  const hooks: Enc[] = r.hooks.map((h) => toEnc(h.hookFile, hookFileSchema));
  return new Struct([
    { name: 'job', value: toEnc(r.job, jobSchema), omitempty: false, inlineJson: true },
    field('hooks', hooks),
  ]);
}

/** The text `diagnose job` writes to stdout. */
export function formatDiagnose(r: RenderedJob, o: { json: boolean }): string {
  const enc = jobRenderedEnc(r);
  try {
    return `${o.json ? encodeJson(enc) : encodeYaml(enc)}\n`;
  } catch (e) {
    if (e instanceof EncodeError) throw new Failure(`job ${r.job.name}: ${e.message}`);
    throw e;
  }
}
