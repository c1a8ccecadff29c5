import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkChrootArch, checkExecutor, HookFailed, runHook, type HookContext, type HookRun } from '../../../src/metro/hooks/hook.js';
import { Failure, UsageError } from '../../../src/util/errors.js';
import type { Log } from '../../../src/util/log.js';
import { makeBusyboxRootfs } from '../../support/rootfs.js';

// Hooks for real, as root: host processes, a busybox rootfs in the builtin executor's namespaces,
// and a recording fake of Gentoo's fchroot (test/support/fake-fchroot.sh).
const REPO = join(import.meta.dirname, '../../..');
const base = realpathSync(mkdtempSync(join(tmpdir(), 'pk-hooks-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let dir: string;
let n = 0;
beforeEach(() => { dir = join(base, `t${++n}`); mkdirSync(dir); });

/** A Log that remembers what would have reached the terminal. */
function recordingLog() {
  const lines: string[] = [];
  const infos: string[] = [];
  const warns: string[] = [];
  const log = { line: (label: string, text: string) => lines.push(`${label}: ${text}`), info: (m: string) => infos.push(m), warn: (m: string) => warns.push(m) };
  return { log: log as unknown as Log, lines, infos, warns };
}

const ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };

function hook(o: Partial<HookRun> & Pick<HookRun, 'name' | 'commands'>): HookRun {
  return { type: 'inner-chroot', file: 'hooks/test.yml', entrypoint: ['/bin/sh', '-c'], binds: [], ...o };
}

function context(o: Partial<HookContext> = {}): HookContext {
  return { rootfs: join(dir, 'rootfs'), env: ENV, cwd: dir, executor: 'builtin', fchroot: { debug: false }, logDir: join(dir, 'logs'), log: recordingLog().log, quiet: false, ...o };
}

const logOf = (name: string) => readFileSync(join(dir, 'logs', `${name}.log`), 'utf8');

/** Mount points a process sees (relative to its root, so a chrooted one sees /proc, not <rootfs>/proc). */
function mountPoints(pid: number | 'self' = 'self'): string[] {
  return readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter(Boolean);
}

/** Mount points of this (the host's) mount namespace at or below `path`. */
const mountsUnder = (path: string) => mountPoints().filter((m) => m === path || m.startsWith(`${path}/`));

/** Pids whose command line contains `text`. */
function pidsWith(text: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text);
    } catch {
      return false;
    }
  }).map(Number);
}

/** Pids of `sleep <seconds>` processes (the hooks sleep for odd durations, to be told apart). */
function sleeping(seconds: string): number[] {
  return pidsWith(`sleep ${seconds}`).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8') === `sleep\0${seconds}\0`;
    } catch {
      return false;
    }
  });
}

async function until<T>(what: string, f: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

const HOST_RESOLV = readFileSync('/etc/resolv.conf', 'utf8');

describe('host hooks', () => {
  it('get exactly the environment given, the cwd, and /dev/null as stdin', async () => {
    const env = { PATH: '/usr/bin:/bin', 'key.with.dot': 'x', 'my-opt': 'a b', MULTI: 'line1\nline2', EMOJI: ':smile: 12:30:45', EMPTY: '' };
    // cat prints its own environment, as the kernel handed it over: nothing added, nothing dropped.
    await runHook(hook({ name: 'env', type: 'outer-pre-chroot', entrypoint: ['/bin/cat'], commands: ['/proc/self/environ'] }), context({ env }));
    const environ = Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join('');
    expect(logOf('env')).toBe(`>>> hook env (outer-pre-chroot): /proc/self/environ\n${environ}`);

    const cwd = join(dir, 'work dir');
    mkdirSync(cwd);
    await runHook(hook({ name: 'where', type: 'outer-chroot', entrypoint: ['/bin/bash', '-c'], commands: ['pwd -P; readlink /proc/self/fd/0; read -r line; echo "read=$?"; echo "args=$#"'] }), context({ cwd }));
    expect(logOf('where').split('\n').slice(1)).toEqual([cwd, '/dev/null', 'read=1', 'args=0', '']);
  });

  it('run the commands in order and stop at the first failure, naming hook, file, command, status and log', async () => {
    const h = hook({ name: 'order', type: 'outer-post-chroot', entrypoint: ['/bin/bash', '-c'], commands: ['echo one', 'echo two; exit 3', 'echo three'] });
    const e = await runHook(h, context()).catch((x: unknown) => x);
    const log = join(dir, 'logs/order.log');
    expect(e).toBeInstanceOf(HookFailed);
    expect((e as HookFailed).message).toBe(`hook "order" (hooks/test.yml) failed: command \`echo two; exit 3\` exited 3 — see ${log}`);
    expect(e).toMatchObject({ hook: 'order', file: 'hooks/test.yml', command: 'echo two; exit 3', status: 3, signal: null, logPath: log, exitCode: 1 });
    expect(logOf('order')).toBe('>>> hook order (outer-post-chroot): echo one\none\n>>> hook order (outer-post-chroot): echo two; exit 3\ntwo\n');
  });

  it('report a killed command, a long multi-line command shortened, and an entrypoint that does not exist', async () => {
    const killed = await runHook(hook({ name: 'killed', type: 'outer-pre-sourcer', entrypoint: ['/bin/bash', '-c'], commands: [`kill -9 $$ # ${'x'.repeat(80)}\nsecond line`] }), context()).catch((x: unknown) => x);
    expect((killed as HookFailed).message).toBe(`hook "killed" (hooks/test.yml) failed: command \`kill -9 $$ # ${'x'.repeat(46)}…\` was killed by SIGKILL — see ${join(dir, 'logs/killed.log')}`);

    const missing = await runHook(hook({ name: 'missing', type: 'outer-post-output', entrypoint: ['/nonexistent/sh', '-c'], commands: ['true'] }), context()).catch((x: unknown) => x);
    expect((missing as HookFailed).message).toBe(`hook "missing" (hooks/test.yml) failed: command \`true\` exited 127 (entrypoint /nonexistent/sh not found) — see ${join(dir, 'logs/missing.log')}`);
    expect(logOf('missing')).toBe('>>> hook missing (outer-post-output): true\nprefixkit: entrypoint /nonexistent/sh not found\n');
  });

  it('stream stdout and stderr unmangled, labelled on the terminal and raw in the log; quiet keeps only the log', async () => {
    const cmd = "echo ':smile: a:b:c 12:30:45 ✓'; echo 'to stderr' >&2; printf '\\t  spaced\\r\\n\\nno newline'";
    const seen = recordingLog();
    await runHook(hook({ name: 'out', type: 'outer-pre-chroot', commands: [cmd] }), context({ log: seen.log }));
    expect(seen.infos).toEqual([`>>> hook out (outer-pre-chroot): ${cmd}`]);
    expect([...seen.lines].sort()).toEqual(['out: :smile: a:b:c 12:30:45 ✓', 'out: to stderr', 'out: \t  spaced\r', 'out: ', 'out: no newline'].sort());
    const body = logOf('out').split('\n').slice(1).join('\n');
    expect(body.replace('to stderr\n', '')).toBe(':smile: a:b:c 12:30:45 ✓\n\t  spaced\r\n\nno newline');
    expect(body).toContain('to stderr\n');

    const quiet = recordingLog();
    await runHook(hook({ name: 'hushed', type: 'outer-pre-chroot', commands: [cmd] }), context({ log: quiet.log, quiet: true }));
    expect([quiet.infos, quiet.lines]).toEqual([[], []]);
    expect(logOf('hushed')).toContain(':smile: a:b:c 12:30:45 ✓\n');
    expect(logOf('hushed')).toContain('to stderr\n');
  });

  it('abort: the whole process group dies, no orphan sleep is left, later commands do not run', async () => {
    const ac = new AbortController();
    const running = runHook(hook({ name: 'abort', type: 'outer-pre-chroot', entrypoint: ['/bin/bash', '-c'], commands: ['sleep 30.101 & sleep 30.102; echo after', 'echo next'] }), context({ signal: ac.signal }));
    await until('the sleeps', () => sleeping('30.101').length && sleeping('30.102').length);
    ac.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(pidsWith('sleep 30.10')).toEqual([]);
    expect(logOf('abort')).not.toMatch(/^(after|next)$/m);
  });

  it('abort: a command that ignores SIGTERM gets SIGKILL after 5 s', async () => {
    const ac = new AbortController();
    const running = runHook(hook({ name: 'stubborn', type: 'outer-pre-chroot', entrypoint: ['/bin/bash', '-c'], commands: ["trap '' TERM; sleep 30.201; echo after"] }), context({ signal: ac.signal }));
    await until('the sleep', () => sleeping('30.201').length);
    const started = Date.now();
    ac.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    expect(pidsWith('sleep 30.201')).toEqual([]);
    expect(logOf('stubborn')).not.toMatch(/^after$/m);
  });
});

describe('inner-chroot hooks, builtin executor', () => {
  let rootfs: string;
  beforeEach(() => { rootfs = join(dir, 'rootfs'); makeBusyboxRootfs(rootfs); });
  afterEach(() => expect(mountsUnder(rootfs)).toEqual([]));

  it('run in the rootfs with /proc, /sys, /dev, the binds in order and the host resolv.conf, and mount nothing on the host', async () => {
    const [srcA, srcB, srcFile] = [join(dir, 'srcA'), join(dir, 'srcB'), join(dir, 'extra.conf')];
    mkdirSync(srcA);
    mkdirSync(srcB);
    writeFileSync(join(srcA, 'hello'), 'hello from A\n');
    writeFileSync(join(srcB, 'nested'), 'nested B\n');
    writeFileSync(srcFile, 'extra\n');
    writeFileSync(join(rootfs, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n');
    const resolvBefore = statSync(join(rootfs, 'etc/resolv.conf'));
    const script = [
      'test -r /proc/1/status && echo proc=ok',
      'echo "procs=$(ls /proc | grep -c "^[0-9]")"',
      'echo x > /dev/null && echo devnull=ok',
      'echo "urandom=$(head -c 16 /dev/urandom | wc -c)"',
      'test -c /dev/pts/ptmx && test -d /dev/shm && echo devpts=ok',
      'test -d /sys/kernel && echo sys=ok',
      'mkdir /sys/x 2>/dev/null || echo sys=ro',
      'test -e /dev/loop7 || echo loop=hidden',
      'cat /mnt/a/hello /mnt/a/b/nested /etc/extra.conf',
      'echo from-inside > /mnt/a/written',
      'echo x 2>/dev/null >> /etc/resolv.conf && echo resolv=rw || echo resolv=ro',
    ].join('\n');
    const h = hook({
      name: 'inner',
      binds: [{ source: srcA, target: '/mnt/a' }, { source: srcB, target: '/mnt/a/b' }, { source: srcFile, target: '/etc/extra.conf' }],
      commands: [script, 'cat /etc/resolv.conf', 'sleep 30.501; echo woke'],
    });
    const seen = recordingLog();
    const running = runHook(h, context({ log: seen.log }));
    const sleeper = await until('the hook to wait', () => sleeping('30.501')[0]);
    // The namespace has the mounts; the host's has none of them.
    expect(mountsUnder(rootfs)).toEqual([]);
    expect(mountPoints(sleeper)).toEqual(expect.arrayContaining(['/proc', '/sys', '/dev', '/dev/null', '/dev/pts', '/dev/shm', '/etc/resolv.conf', '/mnt/a', '/mnt/a/b', '/etc/extra.conf']));
    expect(readFileSync(join(srcA, 'written'), 'utf8')).toBe('from-inside\n');
    process.kill(sleeper, 'SIGTERM');
    await running;

    const out = logOf('inner');
    expect(out).toContain('proc=ok\n');
    expect(Number(/^procs=(\d+)$/m.exec(out)?.[1])).toBeLessThan(6);
    expect(out).toContain('devnull=ok\nurandom=16\ndevpts=ok\nsys=ok\nsys=ro\nloop=hidden\nhello from A\nnested B\nextra\n');
    expect(out).toContain('resolv=ro\n');
    expect(out).toContain(`>>> hook inner (inner-chroot): cat /etc/resolv.conf\n${HOST_RESOLV}>>> hook inner`);
    expect(seen.lines).toContain('inner: hello from A');
    // What the chroot added stays where a bind target was missing; the rootfs's resolv.conf is untouched.
    expect(statSync(join(rootfs, 'mnt/a')).isDirectory()).toBe(true);
    expect(statSync(join(srcA, 'b')).isDirectory()).toBe(true);
    expect(readFileSync(join(rootfs, 'etc/resolv.conf'), 'utf8')).toBe('nameserver 192.0.2.1\n');
    expect(statSync(join(rootfs, 'etc/resolv.conf')).mtimeMs).toBe(resolvBefore.mtimeMs);
    expect(readFileSync('/etc/resolv.conf', 'utf8')).toBe(HOST_RESOLV);
    expect(pidsWith(rootfs)).toEqual([]);
  });

  it('give a rootfs without resolv.conf the host one during the hook only', async () => {
    await runHook(hook({ name: 'dns', commands: ['cat /etc/resolv.conf'] }), context());
    expect(logOf('dns')).toBe(`>>> hook dns (inner-chroot): cat /etc/resolv.conf\n${HOST_RESOLV}`);
    expect(existsSync(join(rootfs, 'etc/resolv.conf'))).toBe(false);

    // A symlink to a file the rootfs lacks (systemd-resolved's layout) is followed inside the rootfs, then left as it was.
    symlinkSync('/tmp/resolv.stub', join(rootfs, 'etc/resolv.conf'));
    await runHook(hook({ name: 'stub', commands: ['cat /tmp/resolv.stub'] }), context());
    expect(logOf('stub')).toBe(`>>> hook stub (inner-chroot): cat /tmp/resolv.stub\n${HOST_RESOLV}`);
    expect(readdirSync(join(rootfs, 'tmp'))).toEqual([]);
    expect(readlinkSync(join(rootfs, 'etc/resolv.conf'))).toBe('/tmp/resolv.stub');
  });

  it('get exactly the environment given, with cwd / and stdin /dev/null', async () => {
    const env = { PATH: '/bin', 'key.with.dot': 'x', MULTI: 'a\nb', TERM: '' };
    await runHook(hook({ name: 'env', entrypoint: ['/bin/cat'], commands: ['/proc/self/environ'] }), context({ env }));
    expect(logOf('env')).toBe(`>>> hook env (inner-chroot): /proc/self/environ\n${Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join('')}`);
    await runHook(hook({ name: 'where', entrypoint: ['/bin/readlink'], commands: ['/proc/self/cwd', '/proc/self/fd/0'] }), context({ env }));
    expect(logOf('where')).toBe('>>> hook where (inner-chroot): /proc/self/cwd\n/\n>>> hook where (inner-chroot): /proc/self/fd/0\n/dev/null\n');
  });

  it('need the entrypoint inside the rootfs', async () => {
    const e = await runHook(hook({ name: 'nobash', entrypoint: ['/bin/bash', '-c'], commands: ['echo hi'] }), context()).catch((x: unknown) => x);
    expect((e as HookFailed).message).toBe(`hook "nobash" (hooks/test.yml) failed: command \`echo hi\` exited 127 (entrypoint /bin/bash not found in the rootfs) — see ${join(dir, 'logs/nobash.log')}`);
  });

  it('refuse bind targets that lead out of the rootfs or into /dev, and missing sources, before running anything', async () => {
    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'hello'), 'hi\n');
    mkdirSync(join(rootfs, 'mnt'));
    symlinkSync('/', join(rootfs, 'mnt/evil'));
    symlinkSync('../../../../../../..', join(rootfs, 'mnt/up'));
    const attempt = (target: string, source = src) =>
      runHook(hook({ name: 'binds', binds: [{ source, target }], commands: ['touch /ran'] }), context()).then(() => 'ran', (e: Error) => `${e.name}: ${e.message}`);
    const pre = 'Failure: hook "binds" (hooks/test.yml): chroot_binds';
    expect(await attempt('/mnt/evil')).toBe(`${pre} target /mnt/evil is the root of the rootfs (it resolves to /): refusing to mount over it`);
    expect(await attempt('/mnt/up/')).toBe(`${pre} target /mnt/up/ is the root of the rootfs (it resolves to /): refusing to mount over it`);
    expect(await attempt('/mnt/evil/dev/shm')).toBe(`${pre} target /mnt/evil/dev/shm is in /dev (it resolves to /dev/shm), which the chroot mounts itself`);
    expect(await attempt('/mnt/x', '/nonexistent/src')).toBe(`${pre} source /nonexistent/src does not exist`);
    expect(await attempt('/mnt/x', 'relative/src')).toBe(`${pre} source "relative/src" is not an absolute path`);
    expect(existsSync(join(rootfs, 'ran'))).toBe(false);
    expect(existsSync(join(rootfs, 'mnt/x'))).toBe(false);

    // An absolute symlink means the rootfs's own directory, as it does inside the chroot: never the host's.
    symlinkSync('/etc', join(rootfs, 'mnt/host-etc'));
    await runHook(hook({ name: 'abs', binds: [{ source: src, target: '/mnt/host-etc/prefixkit-test' }], commands: ['cat /etc/prefixkit-test/hello'] }), context());
    expect(logOf('abs')).toContain('\nhi\n');
    expect(statSync(join(rootfs, 'etc/prefixkit-test')).isDirectory()).toBe(true);
    expect(existsSync('/etc/prefixkit-test')).toBe(false);
  });

  it('abort: the hook and everything in its namespace die, the mounts with them', async () => {
    const ac = new AbortController();
    const running = runHook(hook({ name: 'abort', commands: ['sleep 30.301 & sleep 30.302; echo after'] }), context({ signal: ac.signal }));
    await until('the sleeps', () => sleeping('30.301').length && sleeping('30.302').length);
    ac.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(pidsWith('sleep 30.30')).toEqual([]);
    expect(pidsWith(rootfs)).toEqual([]);
    expect(logOf('abort')).not.toMatch(/^after$/m);
  });

  it('SIGKILL of prefixkit while a hook runs leaves no mount and no process behind', async () => {
    const runner = join(dir, 'runner.mjs');
    const share = join(dir, 'share');
    mkdirSync(share);
    const call = JSON.stringify({
      hook: hook({ name: 'victim', binds: [{ source: share, target: '/mnt/share' }], commands: ['echo SLEEPING; sleep 30.401'] }),
      ctx: { rootfs, env: ENV, cwd: '/', executor: 'builtin', fchroot: { debug: false }, logDir: join(dir, 'logs'), quiet: false },
    });
    await build({
      stdin: {
        contents: `import { runHook } from ${JSON.stringify(join(REPO, 'src/metro/hooks/hook.ts'))};
          const { hook, ctx } = ${call};
          const log = { info: (m) => console.log(m), warn: (m) => console.error(m), line: (l, t) => console.log(l + ': ' + t) };
          await runHook(hook, { ...ctx, log });`,
        resolveDir: dir, loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'esm', outfile: runner, logLevel: 'silent',
    });
    const child = spawn(process.execPath, [runner], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const sleeper = await until('the hook to sleep', () => stdout.includes('victim: SLEEPING') && sleeping('30.401')[0]);
    try {
      expect(mountPoints(sleeper)).toContain('/mnt/share');
    } finally {
      child.kill('SIGKILL');
    }
    await until('the hook to die', () => pidsWith('sleep 30.401').length === 0 && pidsWith(rootfs).length === 0, 5000);
    expect(mountsUnder(rootfs)).toEqual([]);
  });
});

describe('inner-chroot hooks, fchroot executor', () => {
  const savedPath = process.env.PATH;
  afterEach(() => { process.env.PATH = savedPath; });

  it('call fchroot as mark-devkit does, binds in the order written, and put the rootfs resolv.conf back', async () => {
    const rootfs = join(dir, 'rootfs');
    makeBusyboxRootfs(rootfs);
    writeFileSync(join(rootfs, 'etc/resolv.conf'), 'nameserver 192.0.2.7\n');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    copyFileSync(join(REPO, 'test/support/fake-fchroot.sh'), join(bin, 'fchroot'));
    chmodSync(join(bin, 'fchroot'), 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
    const [srcZ, srcA, cwd] = [join(dir, 'z'), join(dir, 'a'), join(dir, 'cwd')];
    for (const d of [srcZ, srcA, cwd]) mkdirSync(d);
    const env = { ...ENV, 'key.with.dot': 'v', MULTI: 'a\nb' };
    const command = 'echo inside; cat /etc/os-release';
    const h = hook({ name: 'fch', binds: [{ source: srcZ, target: '/mnt/z' }, { source: srcA, target: '/mnt/a' }], commands: [command] });

    checkExecutor(rootfs, 'fchroot', true);
    await runHook(h, context({ executor: 'fchroot', fchroot: { debug: true, cpu: 'cortex-a53' }, env, cwd }));
    const recorded = (what: string) => readFileSync(join(bin, `fchroot.${what}`), 'utf8');
    expect(recorded('argv').split('\0')).toEqual(['-v', '--debug', '--preserve-env', '--cpu=cortex-a53', `--bind=${srcZ}:/mnt/z`, `--bind=${srcA}:/mnt/a`, rootfs, '/bin/sh', '-c', command, '']);
    expect(recorded('env')).toBe(Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join(''));
    expect(recorded('cwd')).toBe(`${cwd}\n`);
    expect(logOf('fch')).toBe(`>>> hook fch (inner-chroot): ${command}\ninside\nID=busybox\nNAME="BusyBox test rootfs"\n`);
    // fchroot needs the bind targets to exist; its copy of the host's resolv.conf is undone.
    expect(statSync(join(rootfs, 'mnt/z')).isDirectory() && statSync(join(rootfs, 'mnt/a')).isDirectory()).toBe(true);
    expect(readFileSync(join(rootfs, 'etc/resolv.conf'), 'utf8')).toBe('nameserver 192.0.2.7\n');

    rmSync(join(rootfs, 'etc/resolv.conf'));
    await runHook(hook({ name: 'plain', commands: ['true'] }), context({ executor: 'fchroot', cwd }));
    expect(recorded('argv').split('\0')).toEqual(['-v', '--preserve-env', rootfs, '/bin/sh', '-c', 'true', '']);
    expect(existsSync(join(rootfs, 'etc/resolv.conf'))).toBe(false);
  });

  it('is required on the PATH by checkExecutor', () => {
    process.env.PATH = join(dir, 'empty');
    expect(() => checkExecutor(undefined, 'fchroot', true)).toThrow(new UsageError('inner-chroot hooks with the fchroot executor need fchroot, which is not on the PATH: install it (pip install fchroot, or sys-apps/fchroot on Gentoo), or use the builtin executor'));
    expect(() => checkExecutor(undefined, 'fchroot', false)).not.toThrow();
  });
});

describe('rootfs architecture', () => {
  // A foreign architecture for this host, its ELF header, and the handler Debian's qemu-user-static registers for it.
  const foreign = process.arch === 'arm64'
    ? { arch: 'x86_64', host: 'aarch64', machine: 62, magic: '7f454c4602010100000000000000000002003e00' }
    : { arch: 'aarch64', host: 'x86_64', machine: 183, magic: '7f454c460201010000000000000000000200b700' };
  const MASK = 'ffffffffffffff00fffffffffffffffffeffffff';

  function foreignRootfs(): string {
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    const elf = Buffer.alloc(64);
    Buffer.from('7f454c46020101', 'hex').copy(elf);
    elf.writeUInt16LE(2, 16); // ET_EXEC
    elf.writeUInt16LE(foreign.machine, 18);
    writeFileSync(join(rootfs, 'bin/busybox'), elf, { mode: 0o755 });
    symlinkSync('busybox', join(rootfs, 'bin/sh'));
    return rootfs;
  }

  function binfmt(flags: string | undefined): string {
    const d = join(dir, `binfmt-${flags ?? 'none'}`);
    mkdirSync(d);
    writeFileSync(join(d, 'status'), 'enabled\n');
    writeFileSync(join(d, 'register'), '');
    if (flags !== undefined) {
      writeFileSync(join(d, `qemu-${foreign.arch}`), `enabled\ninterpreter /usr/libexec/qemu-binfmt/${foreign.arch}-binfmt-P\nflags: ${flags}\noffset 0\nmagic ${foreign.magic}\nmask ${MASK}\n`);
    }
    return d;
  }

  it('needs a registered binfmt_misc handler for a foreign rootfs, with the F flag for the builtin executor', () => {
    const rootfs = foreignRootfs();
    expect(() => checkChrootArch(rootfs, { binfmtDir: binfmt(undefined) })).toThrow(new UsageError(
      `rootfs ${rootfs} is for ${foreign.arch} (/bin/sh is /bin/busybox) and this host is ${foreign.host}, but no binfmt_misc handler runs ${foreign.arch} programs: install qemu-user-static and binfmt-support (apt-get install qemu-user-static binfmt-support)`,
    ));
    expect(() => checkChrootArch(rootfs, { binfmtDir: binfmt('POCF') })).not.toThrow();
    const noF = binfmt('P');
    expect(() => checkChrootArch(rootfs, { binfmtDir: noF })).toThrow(new UsageError(
      `the binfmt_misc handler qemu-${foreign.arch} for ${foreign.arch} lacks the F flag, so the chroot would need /usr/libexec/qemu-binfmt/${foreign.arch}-binfmt-P inside it: register it with F (Debian's qemu-user-static does), or use the fchroot executor`,
    ));
    expect(() => checkChrootArch(rootfs, { binfmtDir: noF, executor: 'fchroot' })).not.toThrow();
  });

  it('follows a script entrypoint to its interpreter, and lets a native rootfs through', () => {
    const rootfs = foreignRootfs();
    writeFileSync(join(rootfs, 'bin/tool'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    expect(() => checkChrootArch(rootfs, { program: 'tool', pathEnv: '/usr/bin:/bin', binfmtDir: binfmt(undefined) })).toThrow(/is for .* \(tool is \/bin\/busybox\)/);
    const native = join(dir, 'native');
    makeBusyboxRootfs(native);
    expect(() => checkExecutor(native, 'builtin', true)).not.toThrow();
    expect(() => checkExecutor(join(dir, 'not-yet'), 'builtin', true)).not.toThrow();
  });

  it('is checked again before an inner-chroot hook runs', async () => {
    const rootfs = foreignRootfs();
    const e = await runHook(hook({ name: 'foreign', commands: ['touch /ran'] }), context({ rootfs })).catch((x: unknown) => x);
    // Whether this host has a handler decides which error, but the hook never runs on a host that cannot run it.
    if (e instanceof UsageError) expect(e.message).toMatch(`rootfs ${rootfs} is for ${foreign.arch}`);
    else expect(e).toBeInstanceOf(Failure);
    expect(existsSync(join(rootfs, 'ran'))).toBe(false);
  });
});
