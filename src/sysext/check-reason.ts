/**
 * Reading systemd-sysext's debug output. It exits 0 when it skips an image for its ID, version,
 * level, scope or architecture, and explains why only at debug level (reference sysext.md §2.4).
 */

/** Whether the merge output names `name` among the extensions it used: `Using extensions 'a', 'b'.` */
export function usedExtension(output: string, name: string): boolean {
  return output.split('\n').some((l) => l.startsWith('Using extensions ') && l.includes(`'${name}'`));
}

/** Lines in which systemd explains a refusal or a skip; `Extension 'x' matches '_any' OS.` explains a success. */
const EXPLAINS = [/^Extension '[^']*' (?!matches)/, /^Extension image /, /refusing/, /^Failed to read metadata /];
const SUMMARY = /^No suitable extensions found|^No extensions found/;

/** The explanation of why the image was not merged, from the most specific lines there are. */
export function skipReason(output: string, status: number): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const specific = [...new Set(lines.filter((l) => EXPLAINS.some((re) => re.test(l))))];
  if (specific.length > 0) return specific.join(' ');
  const summary = lines.find((l) => SUMMARY.test(l));
  if (summary) return summary;
  return status !== 0 ? `systemd-sysext exited ${status}${lines.length ? `: ${lines.at(-1)}` : ''}` : 'systemd-sysext did not use the image and gave no reason';
}
