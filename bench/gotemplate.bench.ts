/**
 * Renders every golden case of test/golden/gotemplate/cases.json many times: parse once
 * (the engine caches parsed templates by text), evaluate many. Run with `npx vitest bench
 * bench/gotemplate.bench.ts`; besides vitest's table it prints µs per render.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { renderHelm } from '../src/gotemplate/engine.js';
import type { GoMap, Value } from '../src/gotemplate/value.js';
import { decodeJson, decodeYaml } from '../src/metro/yaml.js';

process.env.TZ = 'UTC';
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const raw = decodeJson(readFileSync(join(repoRoot, 'test', 'golden', 'gotemplate', 'cases.json'), 'utf8')) as GoMap[];
const cases = raw.map((c) => ({
  template: c.get('template') as string,
  values: (c.has('valuesYaml') ? decodeYaml(c.get('valuesYaml') as string) : (c.get('values') as Value)) as GoMap,
}));

/** One pass over all cases; failures (the error cases) count as renders too. */
function renderAll(): void {
  for (const c of cases) {
    try { renderHelm(c.template, c.values); } catch { /* error cases */ }
  }
}

// Own timing, so that the result can be printed as µs per render (vitest shows ms per pass).
let passes = 0;
let ns = 0n;
function timedPass(): void {
  const t0 = process.hrtime.bigint();
  renderAll();
  ns += process.hrtime.bigint() - t0;
  passes++;
}

describe('gotemplate', () => {
  bench(`render all ${cases.length} golden cases (parse cached)`, timedPass, {
    time: 3000,
    setup: () => { passes = 0; ns = 0n; },
    teardown: () => {
      const us = Number(ns) / 1000 / (passes * cases.length);
      console.log(`gotemplate: ${us.toFixed(2)} µs per render (${cases.length} golden cases × ${passes} passes)`);
    },
  });
});
