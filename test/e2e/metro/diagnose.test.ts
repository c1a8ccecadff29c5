import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN } from '../../support/golden.js';

// Runs the built CLI (npm run build) on the golden spec tree, from its root, as the reference did.
const REPO = join(import.meta.dirname, '../../..');
const DIAGNOSE = join(GOLDEN, 'diagnose');
const SPECS = join(DIAGNOSE, 'specs');
const EXPECTED = join(DIAGNOSE, 'expected');

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/prefixkit.js'), ...args], { encoding: 'utf8', cwd: SPECS, env: { ...process.env, TZ: 'UTC', FORCE_COLOR: '0' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const today = () => new Date().toISOString().slice(0, 10);
const expected = (file: string, day: string) => readFileSync(join(EXPECTED, file), 'utf8').replaceAll('@SPECROOT@', SPECS).replaceAll('@TODAY@', day);

describe('prefixkit diagnose job prints what mark-devkit prints', () => {
  const files = readdirSync(EXPECTED).filter((f) => /\.(yaml|json)$/.test(f)).sort();

  it('has golden files to check', () => expect(files.length).toBeGreaterThanOrEqual(6));

  for (const file of files) {
    const job = file.replace(/\.(yaml|json)$/, '');
    const json = file.endsWith('.json');
    it(`${job} ${json ? '--json' : '(YAML)'}`, () => {
      const before = today();
      const r = run(['diagnose', 'job', '--specfile', 'jobs/x86_64/basic.yaml', '--job', job, '--quiet', ...(json ? ['--json'] : [])]);
      const after = today();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // A run across midnight may date either way.
      const wants = [...new Set([before, after])].map((d) => expected(file, d));
      // The reference names the output object "omitempty" (a struct-tag mistake); prefixkit names it "output".
      const fixed = wants.map((w) => json ? w.replace('"omitempty":{', '"output":{') : w);
      expect(fixed).toContain(r.stdout);
      if (json) expect(JSON.parse(r.stdout)).toEqual(JSON.parse(fixed.find((w) => w === r.stdout)!));
    });
  }

  it('accepts the aliases and prints the Loading line on stderr only without --quiet', () => {
    const r = run(['d', 'j', '--specfile', 'jobs/x86_64/basic.yaml', '--job', 'stage3-noextras']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected('stage3-noextras.yaml', today()));
    expect(r.stderr).toBe('Loading specfile jobs/x86_64/basic.yaml\n');
  });

  it('an unknown job is one line naming the available jobs, exit 2', () => {
    const r = run(['diagnose', 'job', '--specfile', 'jobs/x86_64/basic.yaml', '--job', 'nope', '--quiet']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('prefixkit: No job with name nope found in jobs/x86_64/basic.yaml; available: stage3-http, stage3-noextras, stage-anise\n');
    expect(r.status).toBe(2);
  });

  it('missing flags are usage errors (exit 2), like any other parse error', () => {
    const r = run(['diagnose', 'job', '--job', 'x']);
    expect(r.stderr).toBe('prefixkit: Missing required argument: specfile\n');
    expect(r.status).toBe(2);
  });
});
