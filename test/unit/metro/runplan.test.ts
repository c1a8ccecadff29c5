import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helmRender } from '../../../src/metro/helm.js';
import { renderJob } from '../../../src/metro/render.js';
import { loadConfig } from '../../../src/metro/run/config.js';
import { MARKDEVKIT_VERSION } from '../../../src/metro/run/env.js';
import { formatRunPlan } from '../../../src/metro/run/format.js';
import { planRun, type MetroRunFlags, type RunPlan } from '../../../src/metro/run/plan.js';
import { loadSpecs, selectJob } from '../../../src/metro/spec.js';
import { UsageError } from '../../../src/util/errors.js';

const SPEC = `
common: &common
  workspacedir: /var/tmp/pkws
  hooks_basedir: ../hooks
  chroot_binds:
    - {source: /var/cache/distfiles, target: /var/cache/portage/distfiles}
  options: {release: next, jobs: 4, my-opt: x, ratio: 1.5, debug: true, extras: [a], octal: 010}
  environments:
    - {key: MAKEOPTS, value: -j2}
    - {key: release, value: from-environments}
  output: {type: file, name: "stage3-{{ .Values.release }}.tar.xz", dir: ../out}
jobs:
- name: http
  <<: *common
  source: {type: http, uri: "https://example.org/{{ .Values.release }}/seed.tar.xz?x=1", target: ../seed/seed.tar.xz, checksum: "sha256:${'a'.repeat(64)}"}
  hooks_files: [a.yml, b.yml]
- name: anise
  <<: *common
  source: {type: anise, anise_config: anise/config.yaml, anise_packages: [p1, p2]}
  hooks_files: []
`;
const HOOKS = {
  'a.yml': `hooks:
- {name: inner1, type: inner-chroot, commands: [echo in1]}
- {name: pre-a, type: outer-pre-chroot, commands: [echo pa]}
- {name: post-out, type: outer-post-output, commands: [echo po]}
- {name: outer-between, type: outer-chroot, entrypoint: [/bin/sh, -c], commands: [echo oc]}
`,
  'b.yml': `hooks:
- {name: pre-b, type: outer-pre-chroot, commands: [echo pb]}
- {name: first, type: outer-pre-sourcer, commands: ["echo {{ .Values.release }}"]}
- {name: inner2, commands: [echo in2, echo in2b], chroot_binds: [{source: /srv/extra, target: /mnt/extra}]}
- {name: post-chroot, type: outer-post-chroot, commands: [echo pc]}
`,
};

const FLAGS: MetroRunFlags = { cleanup: true, skipSource: false, skipHooks: false, skipPacker: false, fchrootDebug: false, quiet: false, resume: false, executor: 'builtin' };

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'pk-runplan-'));
  mkdirSync(join(root, 'jobs/x86_64'), { recursive: true });
  mkdirSync(join(root, 'jobs/hooks'), { recursive: true });
  writeFileSync(join(root, 'jobs/x86_64/spec.yaml'), SPEC);
  for (const [f, t] of Object.entries(HOOKS)) writeFileSync(join(root, 'jobs/hooks', f), t);
  return root;
}

function plan(job = 'http', flags: Partial<MetroRunFlags> = {}, host: NodeJS.ProcessEnv = { PATH: '/usr/bin', TERM: 'xterm' }, root = tree()): RunPlan {
  const sel = selectJob(loadSpecs(['jobs/x86_64/spec.yaml'], root), job);
  return planRun(renderJob(sel, helmRender), sel.spec.file, { ...FLAGS, ...flags }, root, host);
}
const ids = (p: RunPlan) => p.steps.map((s) => s.kind === 'hook' ? s.hook.name : s.kind);

describe('metro run plan', () => {
  it('runs the phases in mark-devkit\'s order, hooks grouped by type across files, chroot hooks interleaved', () => {
    expect(ids(plan())).toEqual(['first', 'source', 'pre-a', 'pre-b', 'inner1', 'outer-between', 'inner2', 'post-chroot', 'pack', 'post-out']);
  });

  it('--skip-* flags drop exactly their phases; post-output hooks follow the packer, not the hooks flag', () => {
    expect(ids(plan('http', { skipSource: true }))).toEqual(['first', 'pre-a', 'pre-b', 'inner1', 'outer-between', 'inner2', 'post-chroot', 'pack', 'post-out']);
    expect(ids(plan('http', { skipHooks: true }))).toEqual(['source', 'pack', 'post-out']);
    expect(ids(plan('http', { skipPacker: true }))).toEqual(['first', 'source', 'pre-a', 'pre-b', 'inner1', 'outer-between', 'inner2', 'post-chroot']);
  });

  it('defaults the entrypoint to /bin/bash -c for every hook type and merges job binds before hook binds', () => {
    const hooks = Object.fromEntries(plan().steps.flatMap((s) => s.kind === 'hook' ? [[s.hook.name, s.hook]] : []));
    expect(hooks.inner1!.entrypoint).toEqual(['/bin/bash', '-c']);
    expect(hooks['pre-a']!.entrypoint).toEqual(['/bin/bash', '-c']);
    expect(hooks['outer-between']!.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(hooks.inner2!.commands).toEqual(['echo in2', 'echo in2b']);
    expect(hooks.inner2!.type).toBe('inner-chroot');
    expect(hooks.inner2!.binds).toEqual([{ source: '/var/cache/distfiles', target: '/var/cache/portage/distfiles' }, { source: '/srv/extra', target: '/mnt/extra' }]);
    expect(hooks.first!.commands).toEqual(['echo next']);
  });

  it('renders the source and output, keeps the query string, resolves paths against the spec directory', () => {
    const p = plan();
    const root = p.cwd;
    expect(p.steps.find((s) => s.kind === 'source')).toMatchObject({ source: { type: 'http', uri: 'https://example.org/next/seed.tar.xz?x=1', target: join(root, 'jobs/seed/seed.tar.xz'), checksum: `sha256:${'a'.repeat(64)}` } });
    expect(p.output).toEqual({ dir: join(root, 'jobs/out'), name: 'stage3-next.tar.xz', path: join(root, 'jobs/out/stage3-next.tar.xz'), tarformers: null });
    expect([p.workspace, p.rootfs, p.logDir, p.stateDir]).toEqual(['/var/tmp/pkws', '/var/tmp/pkws/rootfs', '/var/tmp/pkws/logs', '/var/tmp/pkws/.prefixkit']);
  });

  it('builds the environment as mark-devkit does: int and string options, then environments, then MARKDEVKIT_*, then TERM', () => {
    expect(plan().env).toEqual({
      release: 'from-environments', jobs: '4', my_opt: 'x', octal: '8', MAKEOPTS: '-j2',
      MARKDEVKIT_VERSION, MARKDEVKIT_WORKSPACE: '/var/tmp/pkws', MARKDEVKIT_ROOTFS: '/var/tmp/pkws/rootfs', TERM: 'xterm',
    });
    expect(plan('http', {}, { PATH: '/usr/bin', COLORTERM: 'truecolor' }).env).toMatchObject({ TERM: '', COLORTERM: 'truecolor' });
  });

  it('gives anise the reference\'s argv, without the repos step when no repos are listed', () => {
    const p = plan('anise');
    const base = ['anise', '--system-target', '/var/tmp/pkws/rootfs', '--config', 'anise/config.yaml'];
    expect(p.steps.find((s) => s.kind === 'source')).toMatchObject({ source: { type: 'anise', commands: [
      [...base, 'repo', 'update'], [...base, 'install', '--sync-repos', '-y', '--skip-config-protect', 'p1', 'p2'], [...base, 'cleanup'],
    ] } });
  });

  it('fingerprints each step by its content, so --resume reruns what changed', () => {
    const root = tree();
    const a = plan('http', {}, undefined, root);
    writeFileSync(join(root, 'jobs/hooks/b.yml'), HOOKS['b.yml']!.replace('echo pc', 'echo changed'));
    const b = plan('http', {}, undefined, root);
    const fp = (p: RunPlan) => Object.fromEntries(p.steps.map((s) => [s.id, s.fingerprint]));
    const [fa, fb] = [fp(a), fp(b)];
    const changed = Object.keys(fa).filter((k) => fa[k] !== fb[k]);
    expect(changed).toEqual(['hook:1.3:post-chroot']);
  });

  it('--dry-run prints every hook in run order with its commands, the paths and the output', () => {
    const text = formatRunPlan(plan());
    const order = ['hook:1.1:first', 'source', 'hook:0.1:pre-a', 'hook:1.0:pre-b', 'hook:0.0:inner1', 'hook:0.3:outer-between', 'hook:1.2:inner2', 'hook:1.3:post-chroot', 'pack', 'hook:0.2:post-out'];
    const at = order.map((id) => text.indexOf(` ${id}\n`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(text).toContain("$ /bin/bash -c 'echo in2b'");
    expect(text).toContain('binds /var/cache/distfiles:/var/cache/portage/distfiles /srv/extra:/mnt/extra');
    expect(text).toContain('with MARKDEVKIT_OUTPUTDIR=');
    expect(text).toMatch(/tar of \/var\/tmp\/pkws\/rootfs -> .*\/jobs\/out\/stage3-next\.tar\.xz\n/);
    expect(text).toContain('  rootfs     /var/tmp/pkws/rootfs (wiped first, removed after success: --cleanup)\n');
  });
});

describe('mark-devkit config', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'pk-config-'));

  it('finds ./mark-devkit.yml, reads general.debug and logging.level, and lets MARKDEVKIT_* variables override', () => {
    const d = dir();
    writeFileSync(join(d, 'mark-devkit.yml'), 'general: {debug: true}\nlogging: {level: warning}\n');
    expect(loadConfig(undefined, d, {})).toEqual({ file: join(d, 'mark-devkit.yml'), debug: true, hookOutput: false });
    expect(loadConfig(undefined, d, { MARKDEVKIT_LOGGING__LEVEL: 'info', MARKDEVKIT_GENERAL__DEBUG: 'false' })).toEqual({ file: join(d, 'mark-devkit.yml'), debug: false, hookOutput: true });
    expect(loadConfig(undefined, dir(), {})).toEqual({ debug: false, hookOutput: true });
  });

  it('an explicit file (-c or MARKDEVKIT_CONFIG) must exist and parse', () => {
    const d = dir();
    writeFileSync(join(d, 'c.yml'), 'logging: {level: error}\n');
    expect(loadConfig(undefined, d, { MARKDEVKIT_CONFIG: 'c.yml' }).hookOutput).toBe(false);
    expect(() => loadConfig('nope.yml', d, {})).toThrow(new UsageError('config file nope.yml: cannot be read (check -c/--config or MARKDEVKIT_CONFIG)'));
    writeFileSync(join(d, 'bad.yml'), 'a: [\n');
    expect(() => loadConfig('bad.yml', d, {})).toThrow(UsageError);
  });
});
