import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFast, parseWithLibrary, type YNode } from '../../../src/metro/yamlparse.js';
import { GOLDEN } from '../../support/golden.js';

// The fast block-YAML parser must agree with eemeli/yaml wherever it does not give up,
// and must not give up on what job specs and hooks files look like (that is its point).
const DIAGNOSE = join(GOLDEN, 'diagnose');

/** Nodes without line numbers, aliases as their targets' shape. */
function plain(n: YNode | null, depth = 0): unknown {
  if (n === null) return null;
  if (depth > 50) return '…';
  switch (n.k) {
    case 'scalar': return { v: n.value, s: n.style, t: n.tag };
    case 'alias': return { alias: n.name, to: plain(n.target ?? null, depth + 1) };
    case 'seq': return { seq: n.items.map((i) => plain(i, depth + 1)), t: n.tag };
    case 'map': return { map: n.pairs.map(([k, v]) => [plain(k, depth + 1), plain(v, depth + 1)]), t: n.tag };
  }
}

const SNIPPETS = [
  'a: 1\nb:\n  - x\n  - y: 1\n    z: [1, "two", \'three\']\n  -\n    n: 1\nc: {k: v, "q": w}\n',
  'k: |\n  line 1\n\n  line 3\n\nnext: x\n',
  'k: |-\n    indented\n      more\n    back\n',
  'k: |+\n  keep\n\n\nn: 1\n',
  'k: >\n  folded\n  text\n\n  para\n    more indented\n  end\n',
  'k: >-\n  a\n  b\n',
  '- |\n  in a list\n- >-\n  folded\n  in a list\n- plain # comment\n',
  'base: &b {a: 1}\nuse: *b\nm:\n  <<: *b\n  c: 2\nt: !!str 12\nu: !!int "3"\nv: &x !!str 5\n',
  '# comment\n---\nkey: "esc \\" \\\\ \\n \\t \\u00e9 \\x41"\nsq: \'it\'\'s\'\nempty:\nnull: ~\n',
  'list:\n- a\n- b\nafter: 1\n',
  'a:\n  b:\n    c:\n      - d\n  e: f\n',
  'url: https://example.org/x?y=1#frag\ncmd: echo "a:b" && ls # trailing\nhash: a#b\n',
  'bad: echo "a: b"\n',
  'k: - not a list\n',
  'k: a: b\n',
  'k: "unterminated\n  continued"\n',
  'k: plain\n  continued\n',
  '? complex\n: key\n',
  'a: 1\na: 2\n',
  'k: [a, [b, c], {d: e}, ""]\n',
  'k: {}\nl: []\n',
  '- - nested\n',
  '"quoted key": 1\n\'single\': 2\n',
  'k: value\n\tbad: tab\n',
  'doc: 1\n---\ndoc: 2\n',
];

describe('the fast YAML parser', () => {
  const corpus: Array<[string, string]> = [
    ['spec', readFileSync(join(DIAGNOSE, 'specs/jobs/x86_64/basic.yaml'), 'utf8')],
    ...readdirSync(join(DIAGNOSE, 'expected')).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(join(DIAGNOSE, 'expected', f), 'utf8').replaceAll('@SPECROOT@', '/root').replaceAll('@TODAY@', '2026-11-25')] as [string, string]),
    ...['steps/prepare.yml', 'checks/verify.yml'].map((f) => [f, readFileSync(join(DIAGNOSE, 'specs/jobs/hooks', f), 'utf8')] as [string, string]),
    ...SNIPPETS.map((s, i) => [`snippet ${i}`, s] as [string, string]),
  ];

  for (const [name, text] of corpus) {
    it(`agrees with eemeli/yaml: ${name}`, () => {
      const fast = parseFast(text);
      let lib: YNode | null | Error;
      try { lib = parseWithLibrary(text); } catch (e) { lib = e as Error; }
      if (lib instanceof Error) expect(fast).toBeUndefined();            // it must give up where the library fails
      else if (fast !== undefined) expect(plain(fast)).toEqual(plain(lib));
    });
  }

  it('does not give up on job specs, hooks files and diagnose output', () => {
    for (const [name, text] of corpus.slice(0, 6)) expect(parseFast(text), name).not.toBeUndefined();
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 19, 20, 22]) expect(parseFast(SNIPPETS[i]!), `snippet ${i}`).not.toBeUndefined();
  });

  it('keeps line numbers for messages', () => {
    const n = parseFast('a: 1\nb:\n  c: x\n');
    expect(n && n.k === 'map' && n.pairs[1]![1].line).toBe(3);
  });
});
