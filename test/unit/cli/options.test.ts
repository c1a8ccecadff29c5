import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prefixOptions } from '../../../src/cli/options/prefix.js';

const text = readFileSync(join(import.meta.dirname, '../../../PREFIX.md'), 'utf8');
/** The guide's "## Flags" section. */
const guide = text.slice(text.indexOf('\n## Flags\n'), text.indexOf('\n## ', text.indexOf('\n## Flags\n') + 1));

describe('setup_prefix flags', () => {
  it.each(Object.keys(prefixOptions))('--%s is documented in the PREFIX.md flag table', (flag) => {
    expect(guide).toMatch(new RegExp(`^\\| \`--${flag}\` \\|`, 'm'));
  });

  it('the table documents no flag that does not exist', () => {
    const documented = [...guide.matchAll(/^\| `--([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(prefixOptions).sort());
  });
});
