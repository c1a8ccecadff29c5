import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN } from '../support/golden.js';
import { snapshot } from '../support/tree.js';

const shared = join(import.meta.dirname, '..', '..', '..', 'shared', 'golden');

describe('test/golden', () => {
  it.runIf(existsSync(shared))('is byte for byte the shared/golden beside this clone (copy it again when that changes)', () => {
    const strip = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.replace(/ \d+:\d+ /, ' ').replace(/^dir \d+/, 'dir').replace(/^file \d+/, 'file')]));
    expect(strip(snapshot(GOLDEN))).toEqual(strip(snapshot(shared)));
  });
});
