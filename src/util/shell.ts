/** Quote a string for POSIX shells; plain words stay as they are for readability. */
export function shq(value: unknown): string {
  const s = String(value);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one copy-pasteable shell line, with `VAR=value` assignments first. */
export function shellLine(argv: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  const assigns = Object.entries(env).map(([k, v]) => `${k}=${shq(v)}`);
  return [...assigns, ...argv.map(shq)].join(' ');
}
