import { findTool } from '../util/tools.js';
import { CommandFailed } from '../util/errors.js';
import { capture } from '../util/run.js';

export type DissectResult = { readonly json: unknown } | { readonly error: string } | undefined;

/**
 * systemd's own view of the image (`systemd-dissect --json=short`), undefined when the tool is not
 * installed. Its exit status says nothing about sysext use (0 for a misnamed image too), so the
 * caller reads `useSystemExtension` and `extensionRelease` from the JSON.
 */
export async function dissect(image: string): Promise<DissectResult> {
  const tool = findTool('systemd-dissect');
  if (!tool) return undefined;
  try {
    return { json: JSON.parse(await capture([tool, '--json=short', image])) as unknown };
  } catch (e) {
    if (e instanceof CommandFailed) return { error: e.stderrTail.split('\n').at(-1) || e.message };
    if (e instanceof SyntaxError) return { error: `systemd-dissect printed no JSON: ${e.message}` };
    throw e;
  }
}

/** The one line people want from the JSON: would systemd use the image as a system extension? */
export function dissectSummary(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('useSystemExtension' in json)) return undefined;
  return json.useSystemExtension === true ? 'usable as a system extension' : 'NOT usable as a system extension (release file missing, misnamed or out of scope)';
}
