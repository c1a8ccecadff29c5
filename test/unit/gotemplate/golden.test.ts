/**
 * Every golden case of test/golden/gotemplate/cases.json (made by the real Helm engine):
 * exact output, the output pattern of date-dependent cases, or an error containing the given text.
 * vitest.config.ts runs the suite with TZ=UTC, as the cases require.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHelm, TemplateError } from '../../../src/gotemplate/engine.js';
import type { GoMap, Value } from '../../../src/gotemplate/value.js';
import { decodeJson, decodeYaml } from '../../../src/metro/yaml.js';
import { GOLDEN } from '../../support/golden.js';

const casesFile = join(GOLDEN, 'gotemplate', 'cases.json');
const cases = decodeJson(readFileSync(casesFile, 'utf8')) as GoMap[];

const str = (c: GoMap, k: string) => c.get(k) as string | undefined;

describe('golden gotemplate cases', () => {
  it('runs with TZ=UTC', () => expect(process.env.TZ).toBe('UTC'));
  for (const c of cases) {
    const name = str(c, 'name')!;
    it(name, () => {
      const yaml = str(c, 'valuesYaml');
      const values = (yaml !== undefined ? decodeYaml(yaml) : (c.get('values') as Value)) as GoMap;
      const render = () => renderHelm(str(c, 'template')!, values);
      if (c.get('error') === true) {
        let err: unknown;
        try { render(); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(TemplateError);
        expect((err as Error).message).toContain(str(c, 'errorContains')!);
        return;
      }
      const out = render();
      if (c.has('dynamic')) expect(out).toMatch(new RegExp(str(c, 'outputPattern')!));
      else expect(out).toBe(str(c, 'output'));
    });
  }
});
