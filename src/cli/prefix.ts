import type { Argv, CommandModule } from 'yargs';
import type { PrefixArgs } from '../prefix/config.js';
import { prefixOptions, withDashedAliases } from './options/prefix.js';

export type PrefixCommandArgs = PrefixArgs & {
  force: boolean; uninstall: boolean; config_only: boolean; dry_run: boolean; json: boolean; quiet: boolean;
};

/** `prefixkit prefix setup|list`; `setup_prefix` is `prefixkit prefix setup`. */
export const prefixCommand: CommandModule = {
  command: 'prefix <command>',
  describe: 'Create, refresh, list and remove prefixes (Flatcar setup_prefix)',
  builder: (y: Argv) => y
    .command(setupCommand)
    .command(listCommand)
    .demandCommand(1, 'name a prefix command: setup or list'),
  handler: () => {},
};

export const setupCommand: CommandModule<object, PrefixCommandArgs> = {
  command: 'setup <name> [eprefix]',
  describe: 'Create a prefix: staging and final roots, Portage config, bootstrap, wrappers',
  builder: (y) => y
    .positional('name', { type: 'string', describe: 'Common name of the prefix, used in wrapper names (e.g. python)' })
    .positional('eprefix', { type: 'string', describe: 'Absolute path the prefix runs from, e.g. /usr/local/python (below /usr or /opt for a sysext); not needed with --uninstall' })
    .options(withDashedAliases(prefixOptions))
    .epilogue('Stages: staging root (toolchain, builds binary packages) -> final root (run-time deps only). See PREFIX.md.') as never,
  handler: async (argv) => {
    const { prefixSetupCommand } = await import('../prefix/command.js');
    await prefixSetupCommand(argv, process.cwd());
  },
};

export const listCommand: CommandModule<object, { scripts_root?: string; json: boolean }> = {
  command: 'list',
  describe: 'List the prefixes prefixkit created under a scripts root',
  builder: (y) => y.options({ ...withDashedAliases({ scripts_root: prefixOptions.scripts_root }), json: { type: 'boolean', default: false, describe: 'Print JSON' } }) as never,
  handler: async (argv) => {
    const { prefixListCommand } = await import('../prefix/command.js');
    await prefixListCommand(argv, process.cwd());
  },
};
