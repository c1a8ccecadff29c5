/**
 * The identity of an ELF file from its first 20 bytes: class, byte order and machine. Enough to
 * tell a file's architecture (sysext --arch detection) without parsing the rest (src/elf/ does).
 */
export interface ElfIdent {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /** e_machine (EM_X86_64 = 62, EM_AARCH64 = 183, …). */
  readonly machine: number;
  /** e_type (ET_EXEC = 2, ET_DYN = 3, …). */
  readonly type: number;
}

export const ELF_IDENT_BYTES = 20;

/** The ident of `head` (the file's first bytes), or undefined when it is not an ELF file. */
export function elfIdent(head: Uint8Array): ElfIdent | undefined {
  if (head.length < ELF_IDENT_BYTES || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return undefined;
  const bits = head[4] === 1 ? 32 : head[4] === 2 ? 64 : undefined;
  const littleEndian = head[5] === 1 ? true : head[5] === 2 ? false : undefined;
  if (bits === undefined || littleEndian === undefined) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return { bits, littleEndian, type: view.getUint16(16, littleEndian), machine: view.getUint16(18, littleEndian) };
}
