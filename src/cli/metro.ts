import type { CommandModule } from 'yargs';

/** Repeated flags as a list. */
const list = (v: string | string[]): string[] => [v].flat();

interface MetroRunArgs {
  specfile: string[]; job: string; config?: string; cleanup: boolean; 'skip-source-phase': boolean; 'skip-hooks-phase': boolean;
  'skip-packer-phase': boolean; 'fchroot-debug': boolean; cpu?: string; quiet: boolean; 'dry-run': boolean; resume: boolean; executor: 'builtin' | 'fchroot';
}

/** `prefixkit metro run`: mark-devkit's `metro run` (aliases m, me; r, j), with its flags and config. */
export const metroCommand: CommandModule = {
  command: 'metro <command>',
  aliases: ['m', 'me'],
  describe: 'Build stage tarballs from mark-devkit job specs (mark-devkit compatible)',
  builder: (y) => y.command(metroRunCommand).demandCommand(1, 'name a metro command: run'),
  handler: () => {},
};

const metroRunCommand: CommandModule<object, MetroRunArgs> = {
  command: 'run',
  aliases: ['r', 'j'],
  describe: 'Run a job: source, hooks, packer (see METRO.md)',
  builder: (y) => y.options({
    specfile: { type: 'string', coerce: list, demandOption: true, describe: 'Job spec file (YAML); repeat it to look the job up in several files, in order' },
    job: { type: 'string', demandOption: true, describe: 'Name of the job to run' },
    config: { type: 'string', alias: 'c', describe: 'mark-devkit config file (default: $MARKDEVKIT_CONFIG, else ./mark-devkit.yml)' },
    cleanup: { type: 'boolean', default: true, describe: 'Wipe the rootfs first and remove it after a successful run (--cleanup=false reuses it)' },
    'skip-source-phase': { type: 'boolean', default: false, describe: 'Skip the download and extraction (or anise)' },
    'skip-hooks-phase': { type: 'boolean', default: false, describe: 'Skip the hooks (outer-post-output hooks still run, as in mark-devkit)' },
    'skip-packer-phase': { type: 'boolean', default: false, describe: 'Skip the tarball and the outer-post-output hooks' },
    'fchroot-debug': { type: 'boolean', default: false, describe: 'Pass --debug to fchroot (--executor fchroot)' },
    cpu: { type: 'string', describe: 'QEMU CPU for a foreign-architecture chroot (passed to fchroot as --cpu)' },
    quiet: { type: 'boolean', default: false, describe: 'Hide progress, banners and hook output (hook logs are still written)' },
    'dry-run': { type: 'boolean', default: false, describe: 'Print the plan (steps, hooks with their commands, paths, output) and do nothing' },
    resume: { type: 'boolean', default: false, describe: 'Continue after the last step a previous run of this job completed unchanged' },
    executor: { choices: ['builtin', 'fchroot'] as const, default: 'builtin' as const, describe: 'How inner-chroot hooks run: builtin (unshare + chroot) or fchroot' },
  }) as never,
  handler: async (a) => {
    const { metroRunCommand: run } = await import('../metro/run/command.js');
    await run({
      specfile: a.specfile, job: a.job, ...(a.config ? { config: a.config } : {}), cleanup: a.cleanup,
      skipSource: a['skip-source-phase'], skipHooks: a['skip-hooks-phase'], skipPacker: a['skip-packer-phase'],
      fchrootDebug: a['fchroot-debug'], ...(a.cpu ? { cpu: a.cpu } : {}), quiet: a.quiet, dryRun: a['dry-run'], resume: a.resume, executor: a.executor,
    }, process.cwd());
  },
};
