import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN } from '../../support/golden.js';

// A plain `diagnose job` runs from dist/fast/diagnose.cjs through a V8 code cache (src/cli/precompiled.ts).
// These tests work on a copy of bin/, dist/ and package.json, so the project's own cache is never touched.
const REPO = join(import.meta.dirname, '../../..');
const SPECS = join(GOLDEN, 'diagnose/specs');
const copy = mkdtempSync(join(tmpdir(), 'pk-precompiled-'));
for (const p of ['bin', 'dist', 'package.json']) cpSync(join(REPO, p), join(copy, p), { recursive: true });
const cache = join(copy, 'dist/fast/diagnose.cjs.cache');
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const diagnose = (...extra: string[]) => spawnSync(process.execPath, [join(copy, 'bin/prefixkit.js'), 'diagnose', 'job', '--quiet', '--specfile', 'jobs/x86_64/basic.yaml', ...extra],
  { encoding: 'utf8', cwd: SPECS, env: { ...process.env, TZ: 'UTC', FORCE_COLOR: '0' } });
// The full CLI's answer (yargs, ES modules), to compare with.
const viaYargs = (...extra: string[]) => spawnSync(process.execPath, ['--input-type=module', '-e', `import { main } from ${JSON.stringify(join(REPO, 'dist/cli/main.js'))}; await main(process.argv.slice(1));`,
  'diagnose', 'job', '--quiet', '--specfile', 'jobs/x86_64/basic.yaml', ...extra], { encoding: 'utf8', cwd: SPECS, env: { ...process.env, TZ: 'UTC', FORCE_COLOR: '0' } });

describe('the precompiled diagnose path', () => {
  it('the build ships the bundle with a cache that V8 accepts, and a run leaves it as it is', () => {
    expect(statSync(cache).size).toBeGreaterThan(10_000);
    const before = readFileSync(cache);
    const r = diagnose('--job', 'stage3-http');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readFileSync(cache).equals(before)).toBe(true);
  });

  it('prints what the full CLI prints, for output and for errors', () => {
    for (const args of [['--job', 'stage3-http'], ['--job', 'stage-anise', '--json'], ['--job', 'nope']]) {
      const fast = diagnose(...args), full = viaYargs(...args);
      expect([fast.status, fast.stdout, fast.stderr], args.join(' ')).toEqual([full.status, full.stdout, full.stderr]);
    }
    expect(diagnose('--job', 'nope').status).toBe(2);
  });

  it('a missing cache is written by the next successful run', () => {
    rmSync(cache);
    const r = diagnose('--job', 'stage3-http');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(statSync(cache).size).toBeGreaterThan(10_000);
  });

  it('a cache V8 rejects (another Node, or damaged) still gives the right output, and is replaced', () => {
    const want = diagnose('--job', 'stage3-http').stdout;
    writeFileSync(cache, Buffer.alloc(4096, 7));
    const r = diagnose('--job', 'stage3-http');
    expect([r.status, r.stdout, r.stderr]).toEqual([0, want, '']);
    expect(readFileSync(cache).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(statSync(cache).size).toBeGreaterThan(10_000);
  });

  it('a failed run does not write a cache, and leaves no temporary file', () => {
    rmSync(cache);
    const r = diagnose('--job', 'nope');
    expect(r.status).toBe(2);
    expect(existsSync(cache)).toBe(false);
    expect(spawnSync('ls', [join(copy, 'dist/fast')], { encoding: 'utf8' }).stdout).not.toMatch(/\.tmp/);
  });

  it('anything but a plain, complete diagnose job goes to the full CLI', () => {
    const r = diagnose('--job');   // --job without a value: yargs' message
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^prefixkit: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
