import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKDEVKIT_VERSION } from '../../../src/metro/run/env.js';
import { makeBusyboxRootfs, makeTarball } from '../../support/rootfs.js';

// `prefixkit metro run` end to end, as root: the built CLI, a real HTTP server on 127.0.0.1
// (scripts/serve.mjs), a busybox seed, hooks on the host and in a real chroot, real tar and zstd.
const REPO = join(import.meta.dirname, '../../..');
const base = mkdtempSync(join(tmpdir(), 'pk-metro-run-'));
const seedDir = join(base, 'www');
let server: ChildProcess;
let port = 0;

beforeAll(async () => {
  mkdirSync(seedDir);
  makeBusyboxRootfs(join(base, 'seed-rootfs'));
  makeTarball(join(base, 'seed-rootfs'), join(seedDir, 'seed.tar.gz'), 'gzip');
  server = spawn(process.execPath, [join(REPO, 'scripts/serve.mjs'), seedDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  port = await new Promise<number>((done) => server.stdout!.once('data', (d: Buffer) => done(Number(d.toString().trim()))));
});
afterAll(() => {
  server?.kill();
  rmSync(base, { recursive: true, force: true });
});

/** A job tree in its own directory: the spec, two hooks files, a bind source with a canary. */
function jobTree(o: { hooksA?: string; hooksB?: string; output?: string; binds?: string } = {}) {
  const root = mkdtempSync(join(base, 'job-'));
  const dirs = { root, ws: join(root, 'ws'), out: join(root, 'out'), share: join(root, 'share'), order: join(root, 'share/order') };
  mkdirSync(join(root, 'jobs/hooks'), { recursive: true });
  mkdirSync(dirs.share);
  writeFileSync(join(dirs.share, 'canary'), 'keep me\n');
  const sh = 'entrypoint: [/bin/sh, -c]';
  writeFileSync(join(root, 'jobs/hooks/a.yml'), o.hooksA ?? `hooks:
- {name: in1, type: inner-chroot, ${sh}, commands: ["echo in1 >> /share/order", "cat /share/canary > /from-bind", "ls /proc/1 > /dev/null && echo proc-ok >> /share/order", "env > /share/env-inner"]}
- {name: pre-a, type: outer-pre-chroot, ${sh}, commands: ["echo pre-a >> $SHARE/order"]}
- {name: post-out, type: outer-post-output, ${sh}, commands: ["echo post-out $MARKDEVKIT_OUTPUTNAME >> $SHARE/order"]}
- {name: between, type: outer-chroot, ${sh}, commands: ["echo between-$(test -e $MARKDEVKIT_ROOTFS/from-bind && echo after-in1) >> $SHARE/order"]}
`);
  writeFileSync(join(root, 'jobs/hooks/b.yml'), o.hooksB ?? `hooks:
- {name: pre-b, type: outer-pre-chroot, ${sh}, commands: ["echo pre-b >> $SHARE/order", "env > $SHARE/env-host"]}
- {name: first, type: outer-pre-sourcer, ${sh}, commands: ["echo first {{ .Values.release }} >> $SHARE/order"]}
- {name: in2, ${sh}, commands: ["echo in2 >> /share/order"]}
- {name: post-chroot, type: outer-post-chroot, ${sh}, commands: ["echo post-chroot >> $SHARE/order"]}
`);
  writeFileSync(join(root, 'jobs/spec.yaml'), `
jobs:
- name: busybox
  workspacedir: ${dirs.ws}
  hooks_basedir: hooks
  hooks_files: [a.yml, b.yml]
  options: {release: r1, jobs: 3, flag: true}
  environments: [{key: SHARE, value: ${dirs.share}}]
  chroot_binds: ${o.binds ?? `[{source: ${dirs.share}, target: /share}]`}
  source: {type: http, uri: "http://127.0.0.1:${port}/seed.tar.gz?token=t", target: ${join(root, 'dl/seed.tar.gz')}}
  output: {type: file, name: "${o.output ?? 'stage-{{ .Values.release }}.tar.zst'}", dir: ${dirs.out}}
`);
  return dirs;
}

const metro = (root: string, ...args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/prefixkit.js'), 'metro', 'run', '--specfile', 'jobs/spec.yaml', '--job', 'busybox', ...args],
  { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', TERM: 'dumb' }, timeout: 60_000 });
const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n');
const mountsUnder = (p: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(p));

describe('prefixkit metro run', () => {
  it('runs source, hooks in mark-devkit\'s order (inner ones in a chroot with the binds), packer and post-output hooks', () => {
    const t = jobTree();
    const r = metro(t.root);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status, r.stderr).toBe(0);
    expect(lines(t.order)).toEqual(['first r1', 'pre-a', 'pre-b', 'in1', 'proc-ok', 'between-after-in1', 'in2', 'post-chroot', 'post-out stage-r1.tar.zst']);

    // The environment: host's + options (int/string) + environments + MARKDEVKIT_*; the same inside the chroot.
    for (const f of ['env-host', 'env-inner']) {
      const env = Object.fromEntries(lines(join(t.share, f)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(env, f).toMatchObject({ release: 'r1', jobs: '3', SHARE: t.share, MARKDEVKIT_VERSION, MARKDEVKIT_WORKSPACE: t.ws, MARKDEVKIT_ROOTFS: join(t.ws, 'rootfs'), TERM: 'dumb' });
      expect(env.flag, f).toBeUndefined();
    }

    // The output, its DIGESTS and CONTENTS; the rootfs is gone (--cleanup), the download kept as a cache.
    const out = join(t.out, 'stage-r1.tar.zst');
    const listing = spawnSync('bash', ['-c', `zstd -dc '${out}' | tar -tv --numeric-owner`], { encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/^drwxr-xr-x 0\/0 .* \.\/\n/);
    expect(listing).toMatch(/\n-rw-r--r-- 250\/250 .* \.\/srv\/data/);
    expect(listing).toMatch(/\ncrw-rw-rw- 0\/0 +1,3 .* \.\/dev\/null\n/);
    expect(listing).toMatch(/\n-rw-r--r-- 0\/0 .* \.\/from-bind\n/);
    expect(listing).not.toContain('./share/canary');
    const digests = readFileSync(`${out}.DIGESTS`, 'utf8');
    expect(digests).toContain(`${createHash('sha512').update(readFileSync(out)).digest('hex')}  stage-r1.tar.zst`);
    expect(existsSync(`${out}.CONTENTS.gz`)).toBe(true);
    expect(readdirSync(t.out).sort()).toEqual(['stage-r1.tar.zst', 'stage-r1.tar.zst.CONTENTS.gz', 'stage-r1.tar.zst.DIGESTS']);
    expect(existsSync(join(t.ws, 'rootfs'))).toBe(false);
    expect(existsSync(join(t.root, 'dl/seed.tar.gz'))).toBe(true);
    expect(readFileSync(join(t.share, 'canary'), 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(t.ws, 'logs/in1.log'), 'utf8')).toContain('>>> hook in1 (inner-chroot): cat /share/canary > /from-bind\n');
    expect(mountsUnder(t.ws)).toEqual([]);

    // A second run reuses the verified download.
    const again = metro(t.root, '--quiet');
    expect(again.status, again.stderr).toBe(0);
  });

  it('an anise source runs the reference\'s commands with the host environment only (recording fake anise)', () => {
    const t = jobTree({ hooksA: 'hooks: []\n', hooksB: 'hooks: []\n' });
    const spec = join(t.root, 'jobs/spec.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace(/  source: .*\n/, '  source: {type: anise, anise_config: anise/luet.yaml, anise_repos: [mark-repo], anise_packages: [sys-apps/a, sys-apps/b]}\n'));
    const bin = join(t.root, 'bin');
    mkdirSync(bin);
    symlinkSync(join(REPO, 'test/support/fake-tool.mjs'), join(bin, 'anise'));
    const log = join(t.root, 'anise.jsonl');
    const r = spawnSync(process.execPath, [join(REPO, 'bin/prefixkit.js'), 'metro', 'run', '--quiet', '--specfile', 'jobs/spec.yaml', '--job', 'busybox'],
      { cwd: t.root, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PREFIXKIT_FAKE_LOG: log } });
    expect(r.status, r.stderr).toBe(0);
    const rootfs = join(t.ws, 'rootfs');
    const base = ['--system-target', rootfs, '--config', 'anise/luet.yaml'];
    expect(lines(log).map((l) => JSON.parse(l) as unknown)).toEqual([
      { tool: 'anise', argv: [...base, 'repo', 'update'], env: {}, cwd: t.root },
      { tool: 'anise', argv: [...base, 'install', '-y', '--skip-config-protect', 'mark-repo'], env: {}, cwd: t.root },
      { tool: 'anise', argv: [...base, 'install', '--sync-repos', '-y', '--skip-config-protect', 'sys-apps/a', 'sys-apps/b'], env: {}, cwd: t.root },
      { tool: 'anise', argv: [...base, 'cleanup'], env: {}, cwd: t.root },
    ]);
    const listing = spawnSync('bash', ['-c', `zstd -dc '${join(t.out, 'stage-r1.tar.zst')}' | tar -t`], { encoding: 'utf8' }).stdout;
    expect(listing).toContain('./var/lib/anise/sys-apps_b\n');
  });

  it('--dry-run prints the plan and touches nothing', () => {
    const t = jobTree();
    const r = metro(t.root, '--dry-run');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`http://127.0.0.1:${port}/seed.tar.gz?token=t`);
    expect(r.stdout).toMatch(/\$ \/bin\/sh -c 'echo in2 >> \/share\/order'/);
    expect(existsSync(t.ws)).toBe(false);
    expect(existsSync(t.out)).toBe(false);
  });

  it('a failing hook stops the run naming hook, file, command and status; --resume continues from that hook', () => {
    const t = jobTree({ hooksB: `hooks:
- {name: flaky, type: outer-pre-chroot, entrypoint: [/bin/sh, -c], commands: ["echo flaky >> $SHARE/order", "test ! -e $SHARE/fail || exit 3"]}
- {name: in2, entrypoint: [/bin/sh, -c], commands: ["echo in2 >> /share/order"]}
` });
    writeFileSync(join(t.share, 'fail'), '');
    const r = metro(t.root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hook "flaky"');
    expect(r.stderr).toContain('b.yml');
    expect(r.stderr).toMatch(/exit(ed)?( status)? 3/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(t.ws, 'rootfs/bin/busybox'))).toBe(true);   // kept for --resume
    expect(existsSync(t.out)).toBe(false);
    expect(lines(t.order)).toEqual(['pre-a', 'flaky']);

    rmSync(join(t.share, 'fail'));
    writeFileSync(t.order, '');
    const resumed = metro(t.root, '--resume');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming after hook:0.1:pre-a');
    expect(lines(t.order)).toEqual(['flaky', 'in1', 'proc-ok', 'between-after-in1', 'in2', 'post-out stage-r1.tar.zst']);
    expect(existsSync(join(t.out, 'stage-r1.tar.zst'))).toBe(true);
  });

  it('cleanup never deletes through a mount: a bind left in the rootfs stops it, and the canary survives', () => {
    const t = jobTree();
    mkdirSync(join(t.ws, 'rootfs/mnt'), { recursive: true });
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
      `mount --bind '${t.share}' '${t.ws}/rootfs/mnt' && exec "$0" "$@"`, process.execPath, join(REPO, 'bin/prefixkit.js'), 'metro', 'run', '--specfile', 'jobs/spec.yaml', '--job', 'busybox'],
    { cwd: t.root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`not removing ${t.ws}/rootfs: 1 mount(s) inside, e.g. ${t.ws}/rootfs/mnt`);
    expect(readFileSync(join(t.share, 'canary'), 'utf8')).toBe('keep me\n');
  });

  it('a run killed with SIGKILL in a chroot hook leaves no mount and no process behind; SIGTERM exits 143 and frees the workspace', async () => {
    for (const sig of ['SIGKILL', 'SIGTERM'] as const) {
      // A sleep whose command line no other process has, to look for afterwards.
      const marker = `sleep ${1000 + (process.pid % 1000) * 2 + (sig === 'SIGKILL' ? 0 : 1)}`;
      const t = jobTree({ hooksA: `hooks:\n- {name: nap, type: inner-chroot, entrypoint: [/bin/sh, -c], commands: ["touch /share/started; ${marker}"]}\n`, hooksB: 'hooks: []\n' });
      const child = spawn(process.execPath, [join(REPO, 'bin/prefixkit.js'), 'metro', 'run', '--quiet', '--specfile', 'jobs/spec.yaml', '--job', 'busybox'], { cwd: t.root, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      for (let i = 0; i < 200 && !existsSync(join(t.share, 'started')); i++) await new Promise((w) => setTimeout(w, 100));
      expect(existsSync(join(t.share, 'started'))).toBe(true);
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill(sig);
      const code = await exited;
      if (sig === 'SIGTERM') {
        expect(code).toBe(143);
        expect(stderr).toContain('interrupted by SIGTERM');
        expect(existsSync(join(t.ws, '.prefixkit/lock'))).toBe(false);
      }
      for (let i = 0; i < 50 && spawnSync('pgrep', ['-f', marker]).status === 0; i++) await new Promise((w) => setTimeout(w, 100));
      expect(spawnSync('pgrep', ['-f', marker]).status, `${sig}: sleep still running`).toBe(1);
      expect(mountsUnder(t.ws)).toEqual([]);
      expect(existsSync(t.out)).toBe(false);
    }
  });

  it('refuses a second run on a workspace in use', async () => {
    const t = jobTree({ hooksA: 'hooks:\n- {name: wait, type: outer-pre-sourcer, entrypoint: [/bin/sh, -c], commands: ["touch $SHARE/started; sleep 5"]}\n', hooksB: 'hooks: []\n' });
    const first = spawn(process.execPath, [join(REPO, 'bin/prefixkit.js'), 'metro', 'run', '--quiet', '--specfile', 'jobs/spec.yaml', '--job', 'busybox'], { cwd: t.root, stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(join(t.share, 'started')); i++) await new Promise((w) => setTimeout(w, 100));
    const second = metro(t.root);
    first.kill('SIGTERM');
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`workspace ${t.ws} is in use by another run \\(pid \\d+\\)`));
  });

  it('checks the job before any side effect: one line, exit 2, nothing created', () => {
    for (const [o, args, message] of [
      [{ output: 'stage.zip' }, [], 'stage.zip'],
      [{}, ['--skip-source-phase'], '--skip-source-phase with --cleanup would pack an empty rootfs: add --cleanup=false to reuse the rootfs of an earlier run'],
      [{ binds: '[{source: relative/dir, target: /x}]' }, [], 'chroot_binds[0]: source and target must be absolute paths'],
    ] as const) {
      const t = jobTree(o);
      const r = metro(t.root, ...args);
      expect([r.status, r.stderr.trim().split('\n').filter((l) => !l.startsWith('Loading specfile')).length], r.stderr).toEqual([2, 1]);
      expect(r.stderr).toContain(message);
      expect(existsSync(t.ws)).toBe(false);
    }
  });
});
