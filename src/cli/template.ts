import type { CommandModule } from 'yargs';

/** Repeated flags as a list (not yargs' `array`, which would also swallow the positional FILE). */
const list = (v: string | string[]): string[] => [v].flat();

export interface TemplateRenderArgs { file: string; values?: string[]; set?: string[] }

/** `prefixkit template render`: one Helm-compatible render, the way metro renders job fields. */
export const templateCommand: CommandModule = {
  command: 'template <command>',
  describe: 'Go/Helm templates as mark-devkit renders them',
  builder: (y) => y.command(templateRenderCommand).demandCommand(1, 'name a template command: render'),
  handler: () => {},
};

export const templateRenderCommand: CommandModule<object, TemplateRenderArgs> = {
  command: 'render <file>',
  describe: 'Render a template file (- for stdin) with .Values from --values files and --set; print the result as it is',
  builder: (y) => y
    .positional('file', { type: 'string', describe: 'Template file, or - for stdin' })
    .options({
      values: { type: 'string', alias: 'f', coerce: list, describe: 'YAML (or .json) file of values; repeatable, later files override' },
      set: { type: 'string', coerce: list, describe: 'Set a value like Helm: a.b=c, list={x,y}, a[0]=x; repeatable' },
    }) as never,
  handler: async (argv) => {
    const { templateRenderCommand: run } = await import('../metro/command.js');
    // yargs turns a lone `-` into ""; an empty file name means stdin too.
    process.stdout.write(await run({ ...argv, file: argv.file === '' ? '-' : argv.file }, process.cwd()));
  },
};
