import { describe, expect, it } from 'vitest';
import { analyze, analyzeByCodePoint } from '../../../src/metro/encode.js';

// yaml.v3's scalar analysis decides plain/quoted/literal output: the regular-expression path for
// printable ASCII must agree with the code-point loop on every string.
describe('scalar analysis', () => {
  // Characters that change the analysis: indicators, spaces, breaks, tabs, non-ASCII and unprintables.
  const ALPHABET = ['a', 'Z', '0', ' ', ' ', '\n', '\t', '#', ':', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>',
    "'", '"', '%', '@', '`', '.', '/', '=', '\r', '\x7f', '\x01', 'é', '\u2028', '\u{1F600}', '\ufeff'];

  it('agrees with the code-point loop on hand-picked strings', () => {
    const cases = ['', ' ', 'a', 'a ', ' a', '-', '- a', '-a', '--- x', '...', '..', '?', '? x', '?x', ':', ': x', 'a:', 'a: b', 'a:b',
      'a #b', 'a#b', '#a', 'x,y', 'x[0]', '{a}', '&a', '*a', '!a', '|', '>', "'a", '"a', '%a', '@a', '`a', 'echo "$HOME"',
      'a\nb', 'a\nb\n', '\na', 'a \nb', 'a\n b', 'a\n', 'a\n\n', ' \n', '\n', 'a\tb', 'https://example.org/x?y=1', 'a?', 'a]b', 'a{', 'a: ', ' #', 'a #', '-\n', '? \nx'];
    for (const s of cases) expect(analyze(s), JSON.stringify(s)).toEqual(analyzeByCodePoint(s));
  });

  it('agrees with the code-point loop on random strings', () => {
    let seed = 42;
    const rand = (n: number) => {   // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    for (let i = 0; i < 20000; i++) {
      const len = 1 + rand(8);
      // Mostly printable ASCII (the regular-expression path), sometimes anything.
      const pool = rand(4) === 0 ? ALPHABET : ALPHABET.filter((c) => /^[\x20-\x7e\n]$/.test(c));
      let s = '';
      for (let j = 0; j < len; j++) s += pool[rand(pool.length)];
      expect(analyze(s), JSON.stringify(s)).toEqual(analyzeByCodePoint(s));
    }
  });
});
