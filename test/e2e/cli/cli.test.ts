import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const run = (bin: string, args: string[]) => {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', `${bin}.js`), ...args], { encoding: 'utf8', cwd: '/', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('the installed commands', () => {
  it('setup_prefix --help shows Flatcar\'s usage line and every flag', () => {
    const r = run('setup_prefix', ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: setup_prefix \[flags\] <name> <eprefix>\n/);
    for (const flag of ['--board', '--staging_dir', '--final_dir', '--cross_boss_root', '--custom_ebuild_overlays', '--config_only', '--uninstall', '--dry_run'])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('See PREFIX.md');
  });

  it('mistakes on the command line are one line on stderr and exit 2, without a stack trace', () => {
    for (const [bin, args, message] of [
      ['setup_prefix', [], 'setup_prefix: Not enough non-option arguments: got 0, need at least 1\n'],
      ['setup_prefix', ['--bogus', 'x', '/usr/local/x'], 'setup_prefix: Unknown argument: bogus\n'],
      ['setup_prefix', ['my prefix', '/usr/local/x'], 'setup_prefix: prefix name "my prefix" must be one word of letters, digits, "_", "." and "-" (e.g. python)\n'],
      ['prefixkit', ['frobnicate'], 'prefixkit: Unknown argument: frobnicate\n'],
    ] as const) {
      const r = run(bin, [...args]);
      expect([r.status, r.stderr.split('\n').filter(Boolean).at(-1) + '\n'], `${bin} ${args.join(' ')}`).toEqual([2, message]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('the dashed spelling of a flag works too', () => {
    const r = run('setup_prefix', ['--dry-run', '--scripts-root', '/nonexistent', 'python', '/usr/local/python']);
    expect(r.stderr).toBe('setup_prefix: cross-boss not found: no /nonexistent/cross-boss/bin/cb-bootstrap; clone it (git clone https://github.com/chewi/cross-boss) there or pass --cross_boss_root\n');
    expect(r.status).toBe(2);
  });

  it('prefixkit completion prints a bash/zsh completion script', () => {
    const r = run('prefixkit', ['completion']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('_prefixkit_yargs_completions()');
    expect(r.stdout).toContain('complete -o bashdefault -o default -F _prefixkit_yargs_completions prefixkit');
    const words = run('prefixkit', ['--get-yargs-completions', 'prefixkit', 'prefix', '']);
    expect(words.stdout.split('\n')).toEqual(expect.arrayContaining(['setup', 'list']));
  });
});
