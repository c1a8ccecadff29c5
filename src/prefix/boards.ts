/** The boards a prefix can be built for (DESIGN.md's board table). */
export const BOARDS = {
  'amd64-usr': { chost: 'x86_64-cros-linux-gnu', arch: 'amd64', keywords: 'amd64 -~amd64' },
  'arm64-usr': { chost: 'aarch64-cros-linux-gnu', arch: 'arm64', keywords: 'arm64 -~arm64' },
} as const;

export type Board = keyof typeof BOARDS;
export const BOARD_NAMES = Object.keys(BOARDS) as Board[];

export const isBoard = (s: string): s is Board => Object.hasOwn(BOARDS, s);
