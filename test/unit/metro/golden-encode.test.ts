import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnose } from '../../../src/metro/diagnose.js';
import { hookFileSchema, jobSchema, type HookFile, type Job } from '../../../src/metro/job.js';
import { decodeAs, list, struct } from '../../../src/metro/schema.js';
import { parseYaml } from '../../../src/metro/yaml.js';
import { GOLDEN } from '../../support/golden.js';

// The encoders alone, on the golden diagnose outputs: decoding the reference's YAML into the job
// model and printing it again must give the reference's bytes, in YAML and in JSON.
const EXPECTED = join(GOLDEN, 'diagnose', 'expected');
const rendered = struct('specs.JobRendered', [['job', jobSchema], ['hooks', list(hookFileSchema)]]);

describe('the diagnose encoders reproduce the golden outputs', () => {
  for (const file of readdirSync(EXPECTED).filter((f) => f.endsWith('.yaml'))) {
    it(file, () => {
      const fill = (s: string) => s.replaceAll('@SPECROOT@', '/specroot').replaceAll('@TODAY@', '2026-11-25');
      const yaml = fill(readFileSync(join(EXPECTED, file), 'utf8'));
      const d = parseYaml(yaml);
      const r = decodeAs(d, d.root, rendered) as { job: Job; hooks: HookFile[] };
      const job = { job: r.job, hooks: r.hooks.map((hookFile) => ({ file: '', hookFile })) };
      expect(formatDiagnose(job, { json: false })).toBe(yaml);
      const json = fill(readFileSync(join(EXPECTED, file.replace(/\.yaml$/, '.json')), 'utf8')).replace('"omitempty":{', '"output":{');
      expect(formatDiagnose(job, { json: true })).toBe(json);
    });
  }
});
