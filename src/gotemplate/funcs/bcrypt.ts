/**
 * bcrypt as golang.org/x/crypto/bcrypt writes it ($2a$, cost 10 for sprig), on a small
 * Blowfish whose initial P-array and S-boxes are the hexadecimal digits of π, computed once
 * on first use (Machin's formula in BigInt).
 */
import { nodeCrypto } from '../../util/vendor.js';

const WORDS = 18 + 4 * 256;
let PI_WORDS: Uint32Array | undefined;

/** The first `WORDS` 32-bit words of the fractional part of π. */
function piWords(): Uint32Array {
  if (PI_WORDS) return PI_WORDS;
  const bits = BigInt(WORDS * 32 + 64);
  const one = 1n << bits;
  const arctanInv = (x: bigint) => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let k = 1n; term !== 0n; k += 2n) {
      sum += ((k / 2n) % 2n === 0n ? 1n : -1n) * (term / k);
      term /= x2;
    }
    return sum;
  };
  const pi = 16n * arctanInv(5n) - 4n * arctanInv(239n);
  const frac = (pi - 3n * one) >> 64n; // WORDS*32 bits of the fraction
  const out = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) out[i] = Number((frac >> BigInt((WORDS - 1 - i) * 32)) & 0xffffffffn);
  return (PI_WORDS = out);
}

class Blowfish {
  p: Uint32Array;
  s: Uint32Array; // four boxes of 256
  constructor() {
    const w = piWords();
    this.p = w.slice(0, 18);
    this.s = w.slice(18);
  }
  private f(x: number): number {
    const s = this.s;
    return ((((s[x >>> 24]! + s[256 + ((x >>> 16) & 255)]!) >>> 0) ^ s[512 + ((x >>> 8) & 255)]!) + s[768 + (x & 255)]!) >>> 0;
  }
  encrypt(l: number, r: number): [number, number] {
    const p = this.p;
    let xl = l ^ p[0]!;
    let xr = r;
    for (let i = 1; i <= 16; i += 2) {
      xr ^= this.f(xl >>> 0) ^ p[i]!;
      xl ^= this.f(xr >>> 0) ^ p[i + 1]!;
    }
    xr ^= p[17]!;
    return [xr >>> 0, xl >>> 0];
  }
  /** expandKeyWithSalt (an empty salt: plain ExpandKey). */
  expand(key: Uint8Array, salt: Uint8Array) {
    let kp = 0;
    const word = (b: Uint8Array, pos: { i: number }) => {
      let w = 0;
      for (let k = 0; k < 4; k++) { w = ((w << 8) | b[pos.i]!) >>> 0; pos.i = (pos.i + 1) % b.length; }
      return w;
    };
    const kpos = { i: kp };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i]! ^ word(key, kpos)) >>> 0;
    kp = kpos.i;
    const spos = { i: 0 };
    let l = 0;
    let r = 0;
    const next = () => {
      if (salt.length > 0) { l = (l ^ word(salt, spos)) >>> 0; r = (r ^ word(salt, spos)) >>> 0; }
      [l, r] = this.encrypt(l, r);
    };
    for (let i = 0; i < 18; i += 2) { next(); this.p[i] = l; this.p[i + 1] = r; }
    for (let i = 0; i < 1024; i += 2) { next(); this.s[i] = l; this.s[i + 1] = r; }
  }
}

const B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function b64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const c1 = bytes[i]!;
    const c2 = bytes[i + 1];
    const c3 = bytes[i + 2];
    out += B64[c1 >> 2]! + B64[((c1 & 3) << 4) | ((c2 ?? 0) >> 4)]!;
    if (c2 !== undefined) out += B64[((c2 & 15) << 2) | ((c3 ?? 0) >> 6)]!;
    if (c3 !== undefined) out += B64[c3 & 63]!;
  }
  return out;
}

export function b64decodeBcrypt(s: string): Uint8Array {
  const bits = [...s].map((c) => B64.indexOf(c));
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 4) {
    const [a, b, c, d] = [bits[i]!, bits[i + 1] ?? 0, bits[i + 2], bits[i + 3]];
    out.push(((a << 2) | (b >> 4)) & 255);
    if (c !== undefined) out.push(((b << 4) | (c >> 2)) & 255);
    if (d !== undefined && c !== undefined) out.push(((c << 6) | d) & 255);
  }
  return Uint8Array.from(out);
}

/** bcrypt.GenerateFromPassword (salt given for tests). */
export function bcryptHash(password: Uint8Array, cost = 10, salt: Uint8Array = nodeCrypto().randomBytes(16)): string {
  if (password.length > 72) throw new Error('bcrypt: password length exceeds 72 bytes');
  const key = Uint8Array.from([...password, 0]);
  const bf = new Blowfish();
  bf.expand(key, salt);
  const empty = new Uint8Array(0);
  for (let i = 0; i < 2 ** cost; i++) { bf.expand(key, empty); bf.expand(salt, empty); }
  const magic = Buffer.from('OrpheanBeholderScryDoubt');
  const words = [0, 1, 2, 3, 4, 5].map((i) => magic.readUInt32BE(i * 4));
  for (let n = 0; n < 64; n++) {
    for (let j = 0; j < 6; j += 2) [words[j], words[j + 1]] = bf.encrypt(words[j]!, words[j + 1]!);
  }
  const ct = Buffer.alloc(24);
  words.forEach((w, i) => ct.writeUInt32BE(w, i * 4));
  return `$2a$${String(cost).padStart(2, '0')}$${b64(salt)}${b64(ct.subarray(0, 23))}`;
}
