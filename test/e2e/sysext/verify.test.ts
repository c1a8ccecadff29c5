import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatVerifyReport, verifyJson, verifyPrefix, type VerifyProblem } from '../../../src/sysext/verify.js';
import { UsageError } from '../../../src/util/errors.js';
import { GREETING, hostLoader, makeTinyPrefix, PKDEMO } from '../../support/tiny-prefix.js';

// A real prefix (gcc, the host's glibc copied in and patched), checked as is and then with one
// kind of leak added at a time. Runs as root (chroot); a missing tool fails the tests.
const P = PKDEMO;
const { loader } = hostLoader();
let base: string;
let clean: string;
let cases = 0;

beforeAll(() => {
  expect(process.getuid?.(), 'the chroot test must run as root').toBe(0);
  base = mkdtempSync(join(tmpdir(), 'prefixkit-verify-test-'));
  clean = join(base, 'clean');
  makeTinyPrefix(clean);
  writeFileSync(join(base, 'greet.c'), 'const char *greet(void) { return "hi"; }\n');
  writeFileSync(join(base, 'main.c'), 'extern const char *greet(void);\n#include <stdio.h>\nint main(void) { puts(greet()); return 0; }\n');
  writeFileSync(join(base, 'plain.c'), 'int main(void) { return 0; }\n');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A copy of the clean prefix root to add one thing to. */
function caseRoot(): string {
  const root = join(base, `case-${++cases}`);
  cpSync(clean, root, { recursive: true, verbatimSymlinks: true });
  return root;
}

const at = (root: string, target: string) => join(root, target);

function write(root: string, target: string, content: string, mode = 0o644) {
  mkdirSync(dirname(at(root, target)), { recursive: true });
  writeFileSync(at(root, target), content);
  chmodSync(at(root, target), mode);
}

/** gcc for the prefix (its loader), with extra flags; `target` is where the output goes in `root`. */
function cc(root: string, target: string, src: string, ...flags: string[]) {
  mkdirSync(dirname(at(root, target)), { recursive: true });
  execFileSync('gcc', ['-O2', '-o', at(root, target), join(base, src), ...flags]);
}
const prefixLinked = [`-Wl,--dynamic-linker=${P}/lib64/${loader}`, `-Wl,-rpath,${P}/lib64`, '-Wl,--enable-new-dtags'];

/** libgreet.so.1 built into `target` (a target path) in `root`. */
function greetLib(root: string, target: string) {
  cc(root, target, 'greet.c', '-shared', '-fPIC', '-Wl,-soname,libgreet.so.1');
}

const problems = async (root: string) => (await verifyPrefix(root, P)).problems.map((p) => ({ ...p }));
const one = (path: string, kind: VerifyProblem['kind'], severity: VerifyProblem['severity'], detail: string | RegExp) =>
  ({ path, kind, severity, detail: typeof detail === 'string' ? detail : expect.stringMatching(detail) });

describe('verifyPrefix on the tiny prefix', () => {
  it('finds nothing in the clean prefix and says so', async () => {
    const r = await verifyPrefix(clean, P);
    expect(r).toEqual({ root: clean, eprefix: P, files: 3, elfFiles: 3, scripts: 0, symlinks: 0, problems: [] });
    expect(JSON.parse(verifyJson(r))).toEqual({
      ok: true, root: clean, eprefix: P, files: 3, elfFiles: 3, scripts: 0, symlinks: 0, leaks: 0, warnings: 0, problems: [],
    });
    expect(formatVerifyReport(r)).toBe(`0 leaks, 0 warnings in 3 files (3 ELF, 0 scripts, 0 symlinks) under ${P}\n`);
  });

  it('proves it: hello runs in a chroot that holds nothing but the prefix', () => {
    const r = spawnSync('chroot', [clean, `${P}/usr/bin/hello`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${GREETING}\n`);
  });

  it('reports a normally linked binary: the host loader, and fails in the chroot as predicted', async () => {
    const root = caseRoot();
    cc(root, `${P}/usr/bin/plain`, 'plain.c');
    expect(await problems(root)).toEqual([
      one(`${P}/usr/bin/plain`, 'interp', 'leak', `interpreter /lib64/${loader} is outside ${P}`),
    ]);
    const r = spawnSync('chroot', [root, `${P}/usr/bin/plain`], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/No such file or directory/);
  });

  it('reports the unpatched host libc copied in', async () => {
    const root = caseRoot();
    mkdirSync(at(root, `${P}/usr/lib64`));
    copyFileSync(realpathSync(hostLoader().libc), at(root, `${P}/usr/lib64/libc-host.so.6`));
    expect(await problems(root)).toEqual([
      one(`${P}/usr/lib64/libc-host.so.6`, 'interp', 'leak', `interpreter /lib64/${loader} is outside ${P}`),
    ]);
  });

  it('reports a python3 shebang as a leak, /bin/sh and env as warnings, and ignores non-executable files', async () => {
    const root = caseRoot();
    write(root, `${P}/usr/bin/tool.py`, '#!/usr/bin/python3\nprint(1)\n', 0o755);
    write(root, `${P}/usr/bin/run.sh`, '#!/bin/sh\nexec true\n', 0o755);
    write(root, `${P}/usr/bin/envy`, '#! /usr/bin/env  python3 -u\n', 0o755);
    write(root, `${P}/usr/bin/inside`, `#!${P}/usr/bin/hello --flag\n`, 0o755);
    write(root, `${P}/usr/bin/missing`, `#!${P}/usr/bin/python3\n`, 0o755);
    write(root, `${P}/usr/lib/python/module.py`, '#!/usr/bin/python3\n', 0o644);
    const r = await verifyPrefix(root, P);
    expect(r.problems).toEqual([
      one(`${P}/usr/bin/envy`, 'shebang', 'warning', '#! /usr/bin/env  python3 -u: python3 is looked up in the host\'s PATH'),
      one(`${P}/usr/bin/missing`, 'shebang', 'leak', `#!${P}/usr/bin/python3: interpreter ${P}/usr/bin/python3 not found`),
      one(`${P}/usr/bin/run.sh`, 'shebang', 'warning', '#!/bin/sh: runs with the host\'s /bin/sh'),
      one(`${P}/usr/bin/tool.py`, 'shebang', 'leak', `#!/usr/bin/python3: interpreter /usr/bin/python3 is outside ${P}`),
    ]);
    expect(r).toMatchObject({ files: 9, elfFiles: 3, scripts: 5 });
  });

  it('counts warnings alone as ok', async () => {
    const root = caseRoot();
    write(root, `${P}/bin/start`, '#!/bin/sh\n', 0o755);
    const r = await verifyPrefix(root, P);
    expect(r.problems.map((p) => p.severity)).toEqual(['warning']);
    expect(JSON.parse(verifyJson(r))).toMatchObject({ ok: true, leaks: 0, warnings: 1 });
  });

  it('reports a RUNPATH pointing to /usr/lib, and the library found only there', async () => {
    const root = caseRoot();
    greetLib(root, '/usr/lib/libgreet.so.1');
    symlinkSync('libgreet.so.1', at(root, '/usr/lib/libgreet.so'));
    cc(root, `${P}/usr/bin/greet`, 'main.c', ...prefixLinked, `-L${at(root, '/usr/lib')}`, '-lgreet', '-Wl,-rpath,/usr/lib');
    expect(await problems(root)).toEqual([
      one(`${P}/usr/bin/greet`, 'needed', 'leak', `libgreet.so.1 found only at /usr/lib/libgreet.so.1 (outside ${P})`),
      one(`${P}/usr/bin/greet`, 'runpath', 'leak', `RUNPATH entry /usr/lib is outside ${P}`),
    ]);
  });

  it('resolves $ORIGIN inside the prefix, and reports one that climbs out of it', async () => {
    const root = caseRoot();
    greetLib(root, `${P}/usr/lib/pkgreet/libgreet.so.1`);
    const link = (target: string, rpath: string) =>
      cc(root, target, 'main.c', ...prefixLinked, `${at(root, `${P}/usr/lib/pkgreet/libgreet.so.1`)}`, `-Wl,-rpath,${rpath}`);
    link(`${P}/usr/bin/greet`, '$ORIGIN/../lib/pkgreet');
    link(`${P}/usr/bin/greet-braced`, '${ORIGIN}/../lib/pkgreet');
    expect(await problems(root)).toEqual([]);
    // ld.so finds an executable's $ORIGIN through /proc/self/exe, so this chroot gets a /proc.
    mkdirSync(at(root, 'proc'));
    const out = spawnSync('unshare', ['--fork', '--pid', `--mount-proc=${at(root, 'proc')}`, 'chroot', root, `${P}/usr/bin/greet`], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('hi\n');

    link(`${P}/usr/bin/escape`, '$ORIGIN/../../../../../lib');
    link(`${P}/usr/bin/relative`, 'lib/pkgreet');
    expect(await problems(root)).toEqual([
      one(`${P}/usr/bin/escape`, 'needed', 'leak', 'libgreet.so.1 not found'),
      one(`${P}/usr/bin/escape`, 'runpath', 'leak', `RUNPATH entry $ORIGIN/../../../../../lib (/lib) is outside ${P}`),
      one(`${P}/usr/bin/relative`, 'needed', 'leak', 'libgreet.so.1 not found'),
      one(`${P}/usr/bin/relative`, 'runpath', 'leak', 'RUNPATH entry "lib/pkgreet" is relative to the working directory'),
    ]);
  });

  it('honours the prefix ld.so.conf and its include globs', async () => {
    const root = caseRoot();
    greetLib(root, `${P}/opt/greet/lib/libgreet.so.1`);
    cc(root, `${P}/usr/bin/greet`, 'main.c', ...prefixLinked, at(root, `${P}/opt/greet/lib/libgreet.so.1`));
    expect(await problems(root)).toEqual([one(`${P}/usr/bin/greet`, 'needed', 'leak', 'libgreet.so.1 not found')]);
    write(root, `${P}/etc/ld.so.conf`, '# prefix\ninclude ld.so.conf.d/*.conf\n');
    write(root, `${P}/etc/ld.so.conf.d/05greet.conf`, `${P}/opt/greet/lib\n`);
    expect(await problems(root)).toEqual([]);
    // An absolute include is a target path, looked up in the root (the host has no /usr/local/pkdemo).
    write(root, `${P}/etc/ld.so.conf`, `include ${P}/etc/ld.so.conf.d/[0-9]*.conf\n`);
    expect(await problems(root)).toEqual([]);
    write(root, `${P}/etc/ld.so.conf`, 'include /etc/ld.so.conf.d/*.conf\n');
    expect(await problems(root)).toEqual([one(`${P}/usr/bin/greet`, 'needed', 'leak', 'libgreet.so.1 not found')]);
  });

  it('names where a library missing from the prefix would come from: the build host', async () => {
    const root = caseRoot();
    copyFileSync(at(root, `${P}/usr/bin/hello`), at(root, `${P}/usr/bin/zhello`));
    execFileSync('patchelf', ['--add-needed', 'libz.so.1', at(root, `${P}/usr/bin/zhello`)]);
    execFileSync('patchelf', ['--add-needed', 'libnowhere.so.7', at(root, `${P}/usr/bin/zhello`)]);
    expect(await problems(root)).toEqual([
      one(`${P}/usr/bin/zhello`, 'needed', 'leak', 'libnowhere.so.7 not found'),
      one(`${P}/usr/bin/zhello`, 'needed', 'leak', `libz.so.1 not in ${P}; would come from the host's ${dirname(hostLoader().libc)}/libz.so.1`),
    ]);
  });

  it('resolves symlinks inside the root: outside is a leak, dangling a warning', async () => {
    const root = caseRoot();
    mkdirSync(at(root, `${P}/etc`));
    symlinkSync('/etc/passwd', at(root, `${P}/etc/passwd`));
    symlinkSync('../../../../../etc/shadow', at(root, `${P}/etc/shadow`));
    symlinkSync(`${P}/lib64/libc.so.6`, at(root, `${P}/etc/abs-inside`)); // absolute, inside: resolved in the root
    symlinkSync('../lib64/libc.so.6', at(root, `${P}/usr/libc-rel`));
    symlinkSync('nothing-here', at(root, `${P}/etc/dangling`));
    symlinkSync('loop-b', at(root, `${P}/etc/loop-a`));
    symlinkSync('loop-a', at(root, `${P}/etc/loop-b`));
    // setup_prefix's make.profile points at the build host's repository: build-time only.
    mkdirSync(at(root, `${P}/etc/portage`));
    symlinkSync('/var/db/repos/gentoo/profiles/default/linux/amd64/23.0', at(root, `${P}/etc/portage/make.profile`));
    const r = await verifyPrefix(root, P);
    expect(r.problems).toEqual([
      one(`${P}/etc/dangling`, 'symlink', 'warning', `-> nothing-here is dangling (${P}/etc/nothing-here does not exist)`),
      one(`${P}/etc/loop-a`, 'symlink', 'warning', /^-> loop-b is dangling/),
      one(`${P}/etc/loop-b`, 'symlink', 'warning', /^-> loop-a is dangling/),
      one(`${P}/etc/passwd`, 'symlink', 'leak', `-> /etc/passwd resolves to /etc/passwd, outside ${P}`),
      one(`${P}/etc/portage/make.profile`, 'symlink', 'warning', /outside \/usr\/local\/pkdemo \(Portage build configuration, not used at run time\)$/),
      one(`${P}/etc/shadow`, 'symlink', 'leak', `-> ../../../../../etc/shadow resolves to /etc/shadow, outside ${P}`),
    ]);
    expect(r.symlinks).toBe(8);
  });

  it('finds a library through a symlinked library directory; only an ELF file for the same machine counts', async () => {
    const root = caseRoot();
    greetLib(root, `${P}/usr/lib64/greet/libgreet.so.1`);
    symlinkSync(`${P}/usr/lib64/greet`, at(root, `${P}/usr/greetlib`)); // absolute: must resolve in the root
    cc(root, `${P}/usr/bin/greet`, 'main.c', ...prefixLinked, at(root, `${P}/usr/lib64/greet/libgreet.so.1`), `-Wl,-rpath,${P}/usr/greetlib`);
    expect(await problems(root)).toEqual([]);
    // A library for another machine, or a linker script, of that name is skipped, as ld.so skips it.
    const lib = readFileSync(at(root, `${P}/usr/lib64/greet/libgreet.so.1`));
    lib.writeUInt16LE(183, 18); // e_machine: aarch64
    writeFileSync(at(root, `${P}/usr/lib64/greet/libgreet.so.1`), lib);
    expect(await problems(root)).toEqual([one(`${P}/usr/bin/greet`, 'needed', 'leak', 'libgreet.so.1 not found')]);
    rmSync(at(root, `${P}/usr/lib64/greet/libgreet.so.1`));
    write(root, `${P}/usr/lib64/greet/libgreet.so.1`, 'GROUP ( libgreet.so.1.0 )\n');
    expect(await problems(root)).toEqual([one(`${P}/usr/bin/greet`, 'needed', 'leak', 'libgreet.so.1 not found')]);
  });

  it('warns about a damaged ELF file instead of failing', async () => {
    const root = caseRoot();
    write(root, `${P}/usr/bin/cut`, '');
    writeFileSync(at(root, `${P}/usr/bin/cut`), readFileSync(at(root, `${P}/usr/bin/hello`)).subarray(0, 100));
    expect(await problems(root)).toEqual([
      one(`${P}/usr/bin/cut`, 'interp', 'warning', /^unreadable ELF program headers \(program headers at offset 64 is past the end of the file\): not checked$/),
    ]);
  });

  it('prints a table and a summary, and JSON with ok false when something leaks', async () => {
    const root = caseRoot();
    write(root, `${P}/usr/bin/tool.py`, '#!/usr/bin/python3\n', 0o755);
    write(root, `${P}/usr/bin/run.sh`, '#!/bin/sh\n', 0o755);
    const r = await verifyPrefix(root, P);
    expect(formatVerifyReport(r).split('\n')).toEqual([
      `SEVERITY  KIND     PATH                               DETAIL`,
      `warning   shebang  ${P}/usr/bin/run.sh   #!/bin/sh: runs with the host's /bin/sh`,
      `leak      shebang  ${P}/usr/bin/tool.py  #!/usr/bin/python3: interpreter /usr/bin/python3 is outside ${P}`,
      `1 leak, 1 warning in 5 files (3 ELF, 2 scripts, 0 symlinks) under ${P}`,
      '',
    ]);
    const json = JSON.parse(verifyJson(r));
    expect(json).toMatchObject({ ok: false, leaks: 1, warnings: 1 });
    expect(Object.keys(json)).toEqual(['ok', 'root', 'eprefix', 'files', 'elfFiles', 'scripts', 'symlinks', 'leaks', 'warnings', 'problems']);
    expect(json.problems[1]).toEqual({ path: `${P}/usr/bin/tool.py`, kind: 'shebang', severity: 'leak', detail: `#!/usr/bin/python3: interpreter /usr/bin/python3 is outside ${P}` });
  });
});

describe('verifyPrefix usage errors', () => {
  it('names a missing root, a missing prefix and a relative --eprefix in one line', async () => {
    await expect(verifyPrefix(join(base, 'nope'), P)).rejects.toThrow(new UsageError(`root ${join(base, 'nope')} is not a directory`));
    await expect(verifyPrefix(clean, '/usr/local/other')).rejects.toThrow(
      new UsageError(`${clean} has no prefix /usr/local/other: ${clean}/usr/local/other is not a directory`));
    await expect(verifyPrefix(clean, 'usr/local/pkdemo')).rejects.toThrow(new UsageError('--eprefix must be an absolute path, got "usr/local/pkdemo"'));
    await expect(verifyPrefix(clean, P)).resolves.toMatchObject({ problems: [] });
  });
});
