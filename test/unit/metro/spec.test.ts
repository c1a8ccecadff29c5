import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoFloat, GoTime, type Value } from '../../../src/gotemplate/value.js';
import { formatDiagnose } from '../../../src/metro/diagnose.js';
import { renderJob, RenderError, type RenderFn } from '../../../src/metro/render.js';
import { goJoin, loadSpecs, parseSpec, selectJob } from '../../../src/metro/spec.js';
import { UsageError } from '../../../src/util/errors.js';

const SPEC = `
version: "1.0"
common_specs: &common
  workspacedir: ws
  hooks_basedir: hooks
  options: {release: "1.4", n: 0755, f: 1.10, d: 2024-09-14}
  environments:
    - {key: A, value: 0}
jobs:
- name: one
  <<: *common
  source: {type: http, uri: "u-{{ .Values.release }}", target: "t/x.tar", path: p}
  output: {type: file, name: "o.tar.xz", dir: "out/dir/"}
  hooks_files: [a.yml, sub/b.yml]
- name: two
  <<: *common
  workspacedir: /abs/ws
  options: {only: here}
- name: one
  source: {type: anise}
`;

/** A spec tree in a temp dir: jobs/spec.yaml and jobs/hooks/… */
function tree(spec = SPEC, hooks: Record<string, string> = { 'a.yml': 'hooks:\n- name: h1\n  commands: [x]\n- name: h2\n  type: outer-post-output\n', 'sub/b.yml': 'hooks: []\n' }) {
  const root = mkdtempSync(join(tmpdir(), 'pk-spec-'));
  mkdirSync(join(root, 'jobs/hooks/sub'), { recursive: true });
  writeFileSync(join(root, 'jobs/spec.yaml'), spec);
  for (const [f, t] of Object.entries(hooks)) writeFileSync(join(root, 'jobs/hooks', f), t);
  return root;
}

/** Records the calls and renders `{{ .Values.release }}` only. */
function fakeRender() {
  const calls: Array<[string, string]> = [];
  const render: RenderFn = (text, values, label) => {
    calls.push([label, text]);
    if (text.includes('FAIL')) throw new RenderError(label, 'template: tpl/templates:1:3: boom');
    return text.replaceAll('{{ .Values.release }}', String(values.get('release')));
  };
  return { calls, render };
}

describe('spec loading', () => {
  it('decodes jobs with merge keys, yaml.v3 typing in options and string fields taking the raw text', () => {
    const spec = parseSpec(SPEC, 'spec.yaml');
    expect(spec.version).toBe('1.0');
    expect(spec.jobs.map((j) => j.name)).toEqual(['one', 'two', 'one']);
    const [one, two] = spec.jobs;
    expect(one!.options).toEqual(new Map<string, Value>([['release', '1.4'], ['n', 493], ['f', new GoFloat(1.1)], ['d', new GoTime(1726272000000000000n)]]));
    expect(one!.environments).toEqual([{ key: 'A', value: '0' }]);
    expect(one!.source).toMatchObject({ type: 'http', uri: 'u-{{ .Values.release }}', target: 't/x.tar', path: 'p', anise_repos: [] });
    expect(one!.hooks_files).toEqual(['a.yml', 'sub/b.yml']);
    expect(two!.workspacedir).toBe('/abs/ws');
    expect(two!.options).toEqual(new Map([['only', 'here']]));     // a job's options replace the merged ones
  });

  it('errors name the file, the line, the job and the field', () => {
    expect(() => parseSpec('jobs:\n- name: x\n  source: {type: ftp}\n', 's.yaml')).toThrow(new UsageError('s.yaml: job "x": source.type: "ftp" is not supported (use http or anise)'));
    expect(() => parseSpec('jobs:\n- name: x\n  output: {type: dir}\n', 's.yaml')).toThrow('s.yaml: job "x": output.type: "dir" is not supported (use file)');
    expect(() => parseSpec('jobs:\n- name: x\n  hooks_files: a.yml\n', 's.yaml')).toThrow('s.yaml:3: jobs[0].hooks_files: cannot unmarshal !!str `a.yml` into []string');
    expect(() => parseSpec('jobs:\n  name: x\n', 's.yaml')).toThrow('s.yaml:2: jobs: cannot unmarshal !!map into []specs.Job');
    expect(() => parseSpec('jobs:\n- name: x\n  source:\n    uri: [a]\n', 's.yaml')).toThrow('s.yaml:4: jobs[0].source.uri: cannot unmarshal !!seq into string');
    expect(() => parseSpec('jobs: [\n', 's.yaml')).toThrow(/^s\.yaml:\d+: /);
  });

  it('ignores unknown keys and accepts an empty file', () => {
    expect(parseSpec('common: 1\njobs:\n- name: x\n  hook_files: [a]\n', 's').jobs[0]!.hooks_files).toEqual([]);
    expect(parseSpec('', 's').jobs).toEqual([]);
  });

  it('selects the first job with the name across several files; an unknown job lists the names', () => {
    const root = tree();
    const other = join(root, 'other.yaml');
    writeFileSync(other, 'jobs:\n- name: three\n');
    const specs = loadSpecs(['jobs/spec.yaml', 'other.yaml'], root);
    expect(selectJob(specs, 'one').job.source.type).toBe('http');
    expect(selectJob(specs, 'three').spec.file).toBe('other.yaml');
    expect(() => selectJob(specs, 'nope')).toThrow(new UsageError('No job with name nope found in jobs/spec.yaml, other.yaml; available: one, two, one, three'));
    expect(() => loadSpecs(['missing.yaml'], root)).toThrow('--specfile missing.yaml: no such file');
  });

  it('a missing hooks file is named with its full path and how it was found', () => {
    const root = tree(SPEC, { 'a.yml': 'hooks: []\n' });
    expect(() => selectJob(loadSpecs(['jobs/spec.yaml'], root), 'one')).toThrow(
      `jobs/spec.yaml: job "one": hooks_files[1]: file ${root}/jobs/hooks/sub/b.yml not present (hooks_files are relative to hooks_basedir "hooks", which is relative to the spec's directory ${root}/jobs)`);
  });

  it('goJoin cleans like filepath.Join', () => {
    expect(goJoin('/a/b', '../c/', '')).toBe('/a/c');
    expect(goJoin('/a', '/abs/x/')).toBe('/a/abs/x');
    expect(goJoin('', '')).toBe('');
  });
});

describe('rendering a job', () => {
  it('renders source.uri/path/target, output.name/dir, then each hooks file, in that order, with the options as .Values', () => {
    const root = tree();
    const { calls, render } = fakeRender();
    const r = renderJob(selectJob(loadSpecs(['jobs/spec.yaml'], root), 'one'), render);
    expect(calls.map(([l]) => l)).toEqual(['source.uri', 'source.path', 'source.target', 'output.name', 'output.dir', `${root}/jobs/hooks/a.yml`, `${root}/jobs/hooks/sub/b.yml`]);
    expect(r.job.source).toMatchObject({ uri: 'u-1.4', target: `${root}/jobs/t/x.tar` });
    expect(r.job.output).toMatchObject({ name: 'o.tar.xz', dir: `${root}/jobs/out/dir` });
    expect(r.job.workspacedir).toBe(`${root}/jobs/ws`);
    expect(r.job.hooks_basedir).toBe('hooks');                          // shown as written
    expect(r.hooks.map((h) => h.hookFile.hooks.map((x) => [x.name, x.type]))).toEqual([[['h1', 'inner-chroot'], ['h2', 'outer-post-output']], []]);
  });

  it('skips empty fields, keeps absolute paths and an empty output.dir', () => {
    const root = tree('jobs:\n- name: j\n  workspacedir: /w\n  source: {target: /abs/t}\n');
    const { calls, render } = fakeRender();
    const r = renderJob(selectJob(loadSpecs(['jobs/spec.yaml'], root), 'j'), render);
    expect(calls.map(([l]) => l)).toEqual(['source.target']);
    expect([r.job.source.target, r.job.output.dir, r.job.workspacedir]).toEqual(['/abs/t', '', '/w']);
  });

  it('an empty workspacedir is the spec directory; an absolute hooks_basedir is used as written', () => {
    const root = tree(`jobs:\n- name: j\n  hooks_basedir: HB\n  hooks_files: [a.yml]\n`);
    const spec = readSpecWith(root, join(root, 'jobs/hooks'));
    const r = renderJob(selectJob(loadSpecs([spec], root), 'j'), fakeRender().render);
    expect(r.job.workspacedir).toBe(join(root, 'jobs'));
    expect(r.hooks[0]!.file).toBe(join(root, 'jobs/hooks/a.yml'));
  });

  it('a template error names the field; an unknown hook type names the file and hook', () => {
    const root = tree(`jobs:\n- name: j\n  output: {name: "FAIL"}\n- name: k\n  hooks_basedir: hooks\n  hooks_files: [bad.yml]\n`, { 'bad.yml': 'hooks:\n- name: x\n  type: inner-chrot\n' });
    const specs = loadSpecs(['jobs/spec.yaml'], root);
    expect(() => renderJob(selectJob(specs, 'j'), fakeRender().render)).toThrow('Error on rendering file output.name: template: tpl/templates:1:3: boom');
    expect(() => renderJob(selectJob(specs, 'k'), fakeRender().render)).toThrow(
      `${root}/jobs/hooks/bad.yml: hooks[0] "x": type "inner-chrot" is not a hook type (one of outer-pre-sourcer, outer-pre-chroot, inner-chroot, outer-chroot, outer-post-chroot, outer-post-output)`);
  });

  it('a rendered hooks file that is not valid for the model fails naming the file', () => {
    const root = tree(`jobs:\n- name: j\n  hooks_basedir: hooks\n  hooks_files: [c.yml]\n`, { 'c.yml': 'hooks:\n- name: x\n  commands:\n    - a: b\n' });
    expect(() => renderJob(selectJob(loadSpecs(['jobs/spec.yaml'], root), 'j'), fakeRender().render)).toThrow(
      `${root}/jobs/hooks/c.yml: after rendering: line 4: hooks[0].commands[0]: cannot unmarshal !!map into string`);
  });

  it('prints YAML and JSON as mark-devkit does', () => {
    const root = tree();
    const r = renderJob(selectJob(loadSpecs(['jobs/spec.yaml'], root), 'one'), fakeRender().render);
    const yaml = formatDiagnose(r, { json: false });
    expect(yaml).toBe([
      'job:',
      '    name: one',
      '    source:',
      '        type: http',
      '        uri: u-1.4',
      '        path: p',
      `        target: ${root}/jobs/t/x.tar`,
      '    output:',
      '        type: file',
      '        name: o.tar.xz',
      `        dir: ${root}/jobs/out/dir`,
      '    options:',
      '        d: 2024-09-14T00:00:00Z',
      '        f: 1.1',
      '        "n": 493',
      '        release: "1.4"',
      '    environments:',
      '        - key: A',
      '          value: "0"',
      `    workspacedir: ${root}/jobs/ws`,
      '    hooks_basedir: hooks',
      '    hooks_files:',
      '        - a.yml',
      '        - sub/b.yml',
      'hooks:',
      '    - hooks:',
      '        - name: h1',
      '          type: inner-chroot',
      '          commands:',
      '            - x',
      '        - name: h2',
      '          type: outer-post-output',
      '    - {}',
      '', '',
    ].join('\n'));
    const json = JSON.parse(formatDiagnose(r, { json: true })) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['name', 'source', 'output', 'options', 'environments', 'workspacedir', 'hooks_basedir', 'hooks_files', 'hooks']);
    expect(json.hooks).toEqual([{ hooks: [{ name: 'h1', type: 'inner-chroot', commands: ['x'] }, { name: 'h2', type: 'outer-post-output' }] }, {}]);
    expect(json.options).toEqual({ d: '2024-09-14T00:00:00Z', f: 1.1, n: 493, release: '1.4' });
  });
});

/** Writes a spec whose hooks_basedir is the absolute `hooksDir`, returns its path relative to root. */
function readSpecWith(root: string, hooksDir: string): string {
  writeFileSync(join(root, 'jobs/abs.yaml'), `jobs:\n- name: j\n  hooks_basedir: ${hooksDir}\n  hooks_files: [a.yml]\n`);
  return 'jobs/abs.yaml';
}


describe('diagnose output errors', () => {
  it('--json of a NaN option fails as encoding/json does, naming the job', () => {
    const root = tree('jobs:\n- name: j\n  options: {x: .nan}\n');
    const r = renderJob(selectJob(loadSpecs(['jobs/spec.yaml'], root), 'j'), fakeRender().render);
    expect(formatDiagnose(r, { json: false })).toContain('x: .nan');
    expect(() => formatDiagnose(r, { json: true })).toThrow('job j: json: unsupported value: NaN');
  });

  it('a non-string key inside an option is an error naming the file, line and field', () => {
    expect(() => parseSpec('jobs:\n- name: j\n  options:\n    m:\n      1: one\n', 's.yaml')).toThrow(/^s\.yaml:5: jobs\[0\]\.options: mapping key "1" is a !!int, not a string/);
    expect(parseSpec('jobs:\n- name: j\n  options:\n    1: one\n', 's.yaml').jobs[0]!.options).toEqual(new Map([['1', 'one']]));
  });
});
