import { open } from 'node:fs/promises';

export type ImageFormat = 'squashfs' | 'erofs';

/** squashfs starts with "hsqs"; erofs has its superblock magic 0xE0F5E1E2 (little-endian) at 1024. */
export async function detectFormat(path: string): Promise<ImageFormat | undefined> {
  const f = await open(path, 'r');
  try {
    const head = Buffer.alloc(1028);
    const { bytesRead } = await f.read(head, 0, head.length, 0);
    if (bytesRead >= 4 && head.toString('latin1', 0, 4) === 'hsqs') return 'squashfs';
    if (bytesRead >= 1028 && head.readUInt32LE(1024) === 0xe0f5e1e2) return 'erofs';
    return undefined;
  } finally {
    await f.close();
  }
}
