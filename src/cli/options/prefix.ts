import { BOARD_NAMES } from '../../prefix/boards.js';

/**
 * setup_prefix's flags: one table feeds yargs, the docs test (PREFIX.md) and the dry-run summary.
 * Names and defaults follow Flatcar's setup_prefix; the defaults shown are resolved at run time.
 */
export const prefixOptions = {
  board: { type: 'string', describe: `Board to build for: ${BOARD_NAMES.join(' or ')} (default: <scripts_root>/.default_board, else amd64-usr)` },
  scripts_root: { type: 'string', describe: 'Flatcar scripts checkout holding __prefix__/, wrappers/, cross-boss/ and repos/ (default: current directory)' },
  staging_dir: { type: 'string', describe: 'Staging directory, the build root is <dir>/root (default: /build/prefix-<board>/<name>)' },
  final_dir: { type: 'string', describe: 'Final directory, the installation root is <dir>/root (default: <scripts_root>/__prefix__/<board>/<name>)' },
  cross_boss_root: { type: 'string', describe: 'cross-boss checkout (default: <scripts_root>/cross-boss)' },
  repos_dir: { type: 'string', describe: 'Directory with gentoo-subset, flatcar-overlay and prefix-overlay (default: <scripts_root>/repos)' },
  custom_ebuild_overlays: { type: 'string', describe: 'Comma-separated extra ebuild repositories for both roots' },
  profile: { type: 'string', describe: 'Portage profile for both roots, a directory or a path under the main repo\'s profiles/ (default: the newest prefix profile)' },
  wrapper_dir: { type: 'string', describe: 'Where the Portage wrappers go (default: <scripts_root>/wrappers)' },
  distdir: { type: 'string', describe: 'DISTDIR of both roots (default: the host Portage\'s DISTDIR, else <scripts_root>/.cache/distfiles)' },
  force: { type: 'boolean', default: false, describe: 'Remove an existing prefix (what prefixkit recorded of it) and create it again' },
  uninstall: { type: 'boolean', default: false, describe: 'Remove the prefix <name>: its directories and wrappers, and restore the host files it changed' },
  config_only: { type: 'boolean', default: false, describe: 'Only (re)write directories, Portage config and wrappers: no bootstrap, no emerge' },
  dry_run: { type: 'boolean', default: false, describe: 'Print the plan (steps, commands, files and their contents) and change nothing' },
  json: { type: 'boolean', default: false, describe: 'With --dry-run: print the plan as JSON' },
  quiet: { type: 'boolean', alias: 'q', default: false, describe: 'Print only warnings and errors' },
} as const;

/** Flatcar spells flags with underscores; the dashed spelling (--dry-run) works too. */
export function withDashedAliases<T extends Record<string, object>>(table: T): T {
  return Object.fromEntries(Object.entries(table).map(([k, o]) =>
    [k, k.includes('_') ? { ...o, alias: k.replaceAll('_', '-') } : o])) as T;
}
