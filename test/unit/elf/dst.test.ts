import { describe, expect, it } from 'vitest';
import { expandDst } from '../../../src/sysext/verify-libs.js';

// The dynamic string tokens of RUNPATH/RPATH entries, as verify expands them.
const x86_64 = { bits: 64, littleEndian: true, machine: 62, type: 2 } as const;
const i386 = { bits: 32, littleEndian: true, machine: 3, type: 2 } as const;

describe('expandDst', () => {
  it('expands $ORIGIN and ${ORIGIN} anywhere in an entry', () => {
    expect(expandDst('$ORIGIN/../lib', '/p/usr/bin', x86_64)).toBe('/p/usr/bin/../lib');
    expect(expandDst('${ORIGIN}/../lib', '/p/usr/bin', x86_64)).toBe('/p/usr/bin/../lib');
    expect(expandDst('/x/$ORIGIN', '/p', x86_64)).toBe('/x//p');
  });

  it('expands $LIB by class and $PLATFORM by machine', () => {
    expect(expandDst('/p/$LIB/x', '/', x86_64)).toBe('/p/lib64/x');
    expect(expandDst('/p/${LIB}', '/', i386)).toBe('/p/lib');
    expect(expandDst('/p/lib/$PLATFORM', '/', x86_64)).toBe('/p/lib/x86_64');
    expect(expandDst('/p/lib/${PLATFORM}', '/', { ...x86_64, machine: 183 })).toBe('/p/lib/aarch64');
  });

  it('leaves unknown tokens and longer names alone', () => {
    expect(expandDst('$ORIGINAL/lib', '/p', x86_64)).toBe('$ORIGINAL/lib');
    expect(expandDst('/p/$FOO', '/p', x86_64)).toBe('/p/$FOO');
    expect(expandDst('/p/$PLATFORM', '/', { ...x86_64, machine: 9999 })).toBe('/p/$PLATFORM');
  });
});
