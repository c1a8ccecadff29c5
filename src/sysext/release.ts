/**
 * What systemd-sysext reads of an image (reference sysext.md §2.3–2.4): the image name rule, the
 * architecture names, and the extension-release file, in bake.sh's field order.
 */
import type { ElfIdent } from '../elf/ident.js';

/** systemd's architecture_table, plus `_any`. */
export const ARCHITECTURES = [
  'alpha', 'arc', 'arc-be', 'arm', 'arm64', 'arm64-be', 'arm-be', 'cris', 'ia64', 'loongarch64', 'm68k', 'mips', 'mips-le',
  'mips64', 'mips64-le', 'nios2', 'parisc', 'parisc64', 'ppc', 'ppc-le', 'ppc64', 'ppc64-le', 'riscv32', 'riscv64', 's390',
  's390x', 'sh', 'sh64', 'sparc', 'sparc64', 'tilegx', 'x86', 'x86-64', 'x32', '_any',
] as const;

/** Names users bring (Gentoo/Flatcar boards, uname -m, Debian) for the two architectures Flatcar ships. */
const ALIASES: Readonly<Record<string, string>> = {
  'amd64-usr': 'x86-64', amd64: 'x86-64', x86_64: 'x86-64', 'arm64-usr': 'arm64', aarch64: 'arm64',
};

/** The systemd architecture name for a user's value; undefined when it is none. */
export function systemdArch(value: string): string | undefined {
  const a = ALIASES[value] ?? value;
  return (ARCHITECTURES as readonly string[]).includes(a) ? a : undefined;
}

/** The systemd architecture of an ELF file; undefined for machines systemd has no single name for here. */
export function archOfElf(e: ElfIdent): string | undefined {
  switch (e.machine) {
    case 62: return e.bits === 64 ? 'x86-64' : 'x32';
    case 3: return 'x86';
    case 183: return e.littleEndian ? 'arm64' : 'arm64-be';
    case 40: return e.littleEndian ? 'arm' : 'arm-be';
    case 243: return e.bits === 64 ? 'riscv64' : 'riscv32';
    case 21: return e.littleEndian ? 'ppc64-le' : 'ppc64';
    case 22: return 's390x';
    case 258: return 'loongarch64';
    default: return undefined;
  }
}

/** The host's architecture, systemd's name (from Node's process.arch). */
export function hostArch(): string {
  const map: Record<string, string> = { x64: 'x86-64', arm64: 'arm64', ia32: 'x86', arm: 'arm', riscv64: 'riscv64', ppc64: 'ppc64-le', s390x: 's390x', loong64: 'loongarch64' };
  return map[process.arch] ?? process.arch;
}

/**
 * A name systemd accepts for an image and its release file: a plain file name. Stricter than
 * systemd on purpose: letters, digits, `.`, `_`, `-`, starting with a letter or digit.
 */
export function imageNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return `"${name}" is not a valid image name: use letters, digits, ".", "_" and "-", starting with a letter or digit`;
  if (name.endsWith('.raw')) return `"${name}": give the name without .raw`;
  return undefined;
}

export interface ReleaseFields {
  readonly ID: string;
  readonly SYSEXT_LEVEL?: string;
  readonly VERSION_ID?: string;
  readonly ARCHITECTURE?: string;
  readonly [key: string]: string | undefined;
}

/** The release file text: the known fields in bake.sh's order, then any others; values quoted when needed. */
export function formatRelease(f: ReleaseFields): string {
  const order = ['ID', 'SYSEXT_LEVEL', 'VERSION_ID', 'ARCHITECTURE'];
  const keys = [...order.filter((k) => f[k] !== undefined), ...Object.keys(f).filter((k) => !order.includes(k) && f[k] !== undefined)];
  return keys.map((k) => `${k}=${quote(f[k]!)}`).join('\n') + '\n';
}

/** os-release syntax: KEY=value, optional single or double quotes, `#` comments. */
export function parseRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if (/^"(.*)"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (/^'(.*)'$/.test(v)) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

const quote = (v: string) => /^[A-Za-z0-9._:+-]*$/.test(v) ? v : `"${v.replace(/(["\\$`])/g, '\\$1')}"`;
