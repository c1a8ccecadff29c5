import { parseArgs } from 'node:util';
import type { CommandModule } from 'yargs';

export interface DiagnoseJobArgs { specfile: string[]; job: string; json: boolean; quiet: boolean }

/** `prefixkit diagnose job`: mark-devkit's `diagnose job`, with its aliases (di, d; j). */
export const diagnoseCommand: CommandModule = {
  command: 'diagnose <command>',
  aliases: ['di', 'd'],
  describe: 'Diagnose commands (mark-devkit compatible)',
  builder: (y) => y.command(diagnoseJobCommand).demandCommand(1, 'name a diagnose command: job'),
  handler: () => {},
};

const options = {
  specfile: { type: 'string', coerce: (v: string | string[]) => [v].flat(), demandOption: true, describe: 'Job spec file (YAML); repeat it to look the job up in several files, in order' },
  job: { type: 'string', demandOption: true, describe: 'Name of the job to render' },
  json: { type: 'boolean', default: false, describe: 'Print JSON (encoding/json) instead of YAML (yaml.v3)' },
  quiet: { type: 'boolean', default: false, describe: 'Do not print the "Loading specfile" lines (they go to stderr)' },
} as const;

export const diagnoseJobCommand: CommandModule<object, DiagnoseJobArgs> = {
  command: 'job',
  aliases: ['j'],
  describe: 'Render a job of a mark-devkit spec file and print it as mark-devkit does',
  builder: (y) => y.options(options) as never,
  handler: (argv) => runDiagnose(argv),
};

export async function runDiagnose(a: DiagnoseJobArgs): Promise<void> {
  const { diagnoseJobCommand: run } = await import('../metro/command.js');
  process.stdout.write(run(a, process.cwd(), (line) => process.stderr.write(`${line}\n`)));
}

/**
 * The flags of a plain, complete `diagnose job` (known flags only, --specfile and --job given),
 * read without yargs for start-up time (src/cli/fast.ts); undefined for anything else.
 */
export function plainDiagnoseArgs(args: readonly string[]): DiagnoseJobArgs | undefined {
  if (!['diagnose', 'di', 'd'].includes(args[0] ?? '') || !['job', 'j'].includes(args[1] ?? '')) return undefined;
  let v;
  try {
    ({ values: v } = parseArgs({
      args: args.slice(2), strict: true, allowPositionals: false,
      options: { specfile: { type: 'string', multiple: true }, job: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' } },
    }));
  } catch {
    return undefined;
  }
  if (!v.specfile?.length || v.job === undefined) return undefined;
  return { specfile: v.specfile, job: v.job, json: v.json ?? false, quiet: v.quiet ?? false };
}
