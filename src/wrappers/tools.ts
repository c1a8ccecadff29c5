import { join } from 'node:path';
import { shq } from '../util/shell.js';
import { renderTemplate } from '../util/template.js';

/** The Portage tools that get a prefix wrapper: the board wrappers' list (Flatcar's setup_board). */
export const PORTAGE_TOOLS = ['emerge', 'ebuild', 'portageq', 'equery', 'qlist', 'qfile', 'qcheck', 'emaint', 'eclean', 'glsa-check'] as const;
export type PortageTool = (typeof PORTAGE_TOOLS)[number];

/** What a wrapper bakes in; a subset of PrefixConfig, so it can also be rebuilt from a manifest. */
export interface WrapperContext {
  readonly name: string;
  readonly board: string;
  readonly eprefix: string;
  readonly stagingRoot: string;
  readonly finalRoot: string;
  readonly crossBossRoot: string;
  readonly wrapperDir: string;
}

export const wrapperName = (tool: PortageTool, p: Pick<WrapperContext, 'name' | 'board'>): string =>
  `${tool}-prefix-${p.name}-${p.board}`;

/** Every wrapper of a prefix as [path, bash script]. */
export function renderWrappers(p: WrapperContext): [string, string][] {
  return PORTAGE_TOOLS.map((tool) => [join(p.wrapperDir, wrapperName(tool, p)), renderWrapper(tool, p)]);
}

export function renderWrapper(tool: PortageTool, p: WrapperContext): string {
  const summary = tool === 'emerge'
    ? 'build packages in the staging root, then install them into the final root'
    : `${tool} on the final root of the prefix, or on its staging root with --staging`;
  const template = tool === 'emerge' ? 'wrappers/emerge.sh.ejs' : 'wrappers/tool.sh.ejs';
  return renderTemplate(template, { ...p, tool, summary, wrapper: wrapperName(tool, p), crossBuild: tool === 'ebuild' }, shq);
}
