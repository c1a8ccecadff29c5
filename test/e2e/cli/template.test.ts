import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `prefixkit template render` through the built CLI (npm run build).
const REPO = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'pk-tpl-'));
const file = (name: string, text: string) => { writeFileSync(join(dir, name), text); return name; };
const run = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/prefixkit.js'), 'template', 'render', ...args], { encoding: 'utf8', cwd: dir, input, env: { ...process.env, TZ: 'UTC', FORCE_COLOR: '0' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('prefixkit template render', () => {
  it('renders with --values (YAML typing) and --set, byte for byte, without adding a newline', () => {
    file('v.yaml', 'name: world\nver: 1.10\nmode: 0755\nday: 2024-09-14\nlist: [a, b]\n');
    file('t.tpl', '{{ .Values.name }} {{ .Values.ver }} {{ .Values.mode }} {{ .Values.day }} {{ .Values.list }} {{ .Values.n }} {{ .Values.missing }}');
    const r = run(['--values', 'v.yaml', '--set', 'n=3,name=you', 't.tpl']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('you 1.1 493 2024-09-14 00:00:00 +0000 UTC [a b] 3 ');
    expect(r.status).toBe(0);
  });

  it('JSON values: ints stay ints, written floats are floats; later files override', () => {
    file('a.json', '{"i": 2, "f": 2.5, "keep": "a"}');
    file('b.yaml', 'i: 5\n');
    const r = run(['-f', 'a.json', '--values', 'b.yaml', '-'], '{{ .Values.i }} {{ .Values.f }} {{ .Values.keep }} {{ kindOf .Values.i }}');
    expect(r.stdout).toBe('5 2.5 a int');
    expect(r.status).toBe(0);
  });

  it('a template error is the engine\'s message on stderr, exit 1', () => {
    const r = run([file('bad.tpl', '{{ .Values.x | nosuchfunc }}')]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('function "nosuchfunc" not defined');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.status).toBe(1);
  });

  it('a missing file or a bad --set is a usage error, exit 2', () => {
    expect(run(['nope.tpl'])).toMatchObject({ status: 2, stderr: 'prefixkit: nope.tpl: no such file\n' });
    expect(run(['--set', 'novalue', '-'], '')).toMatchObject({ status: 2, stderr: 'prefixkit: --set novalue: key "novalue" has no value\n' });
  });
});
