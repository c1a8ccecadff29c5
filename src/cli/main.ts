import { readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { reportErrors } from './report.js';

/** The full CLI (yargs). A plain `diagnose job` never gets here: bin/prefixkit.js runs it from dist/fast/. */
export async function main(args: readonly string[], scriptName = 'prefixkit'): Promise<void> {
  await reportErrors(scriptName, () => parse(args, scriptName));
}

async function parse(args: readonly string[], scriptName: string): Promise<void> {
  const [{ default: yargs }, { prefixCommand, setupCommand }, { diagnoseCommand }, { templateCommand }, { metroCommand }, { sysextCommand }, { verifyCommand }] = await Promise.all([
    import('yargs'), import('./prefix.js'), import('./diagnose.js'), import('./template.js'), import('./metro.js'), import('./sysext.js'), import('./verify.js'),
  ]);
  const base = yargs([...args]).scriptName(scriptName);
  // setup_prefix is Flatcar's name for `prefixkit prefix setup`, with Flatcar's usage line.
  const cli = (scriptName === 'setup_prefix'
    ? base.command({ ...setupCommand, command: '$0 <name> [eprefix]' }).usage('usage: setup_prefix [flags] <name> <eprefix>')
    : base.usage('usage: $0 <command> [options]')
      .command(prefixCommand)
      .command(metroCommand)
      .command(sysextCommand)
      .command(verifyCommand)
      .command(diagnoseCommand)
      .command(templateCommand)
      .completion('completion', 'Print a bash/zsh completion script (source it from your shell rc)')
      .demandCommand(1, 'name a command (see --help)'))
    // Named here: yargs would look for package.json beside the bin script, and bin/ has its own.
    .version(version())
    .strict()
    .parserConfiguration({ 'camel-case-expansion': false })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => { throw err ?? new UsageError(msg); });
  await cli.parseAsync();
}

/** From src/cli/ and from dist/cli/ alike, package.json is two directories up. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
