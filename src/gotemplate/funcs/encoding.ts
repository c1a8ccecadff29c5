/**
 * Encodings, hashes, UUIDs and random bytes (sprig crypto.go / functions.go) on node:crypto,
 * with Go's strict base64/base32 decoders and their error texts.
 */
import { nodeCrypto } from '../../util/vendor.js';
import { GoFuncError, type GoFunc } from '../value.js';
import { fn, fne } from './define.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const bytesOf = (s: string) => Buffer.from(s, 'utf8');
const str = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** encoding/base64 StdEncoding.DecodeString; throws `illegal base64 data at input byte N`. */
export function base64DecodeStrict(input: string): Buffer {
  const src = bytesOf(input);
  const out: number[] = [];
  const corrupt = (n: number) => new Error(`illegal base64 data at input byte ${n}`);
  let si = 0;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let end = false;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw corrupt(si - j);
      }
      const ch = src[si++]!;
      const v = B64.indexOf(String.fromCharCode(ch));
      if (ch < 128 && v >= 0) { dbuf[j] = v; continue; }
      if (ch === 10 || ch === 13) { j--; continue; }
      if (ch !== 61) throw corrupt(si - 1);
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 10 || src[si] === 13)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 61) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 10 || src[si] === 13)) si++;
      if (si < src.length) throw corrupt(si);
      dlen = j;
      end = true;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 255, (val >> 8) & 255, val & 255];
    out.push(...bytes.slice(0, dlen - 1));
    if (end) return Buffer.from(out);
  }
}

function base32Encode(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 5) {
    const chunk = b.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : '=';
  }
  return out;
}

/** encoding/base32 StdEncoding.DecodeString (strict padding). */
function base32Decode(input: string): Buffer {
  const src = bytesOf(input).filter((c) => c !== 10 && c !== 13);
  const corrupt = (n: number) => new Error(`illegal base32 data at input byte ${n}`);
  const out: number[] = [];
  for (let i = 0; i < src.length; i += 8) {
    const q = src.subarray(i, i + 8);
    if (q.length < 8) throw corrupt(src.length);
    let n = 8;
    let bits = 0n;
    for (let k = 0; k < 8; k++) {
      const c = String.fromCharCode(q[k]!);
      if (c === '=') {
        if (k < 2 || ![2, 4, 5, 7].includes(k) || i + 8 !== src.length) throw corrupt(i + k);
        for (let r = k; r < 8; r++) if (q[r] !== 61) throw corrupt(i + r);
        n = k;
        break;
      }
      const v = B32.indexOf(c);
      if (v < 0) throw corrupt(i + k);
      bits |= BigInt(v) << BigInt(35 - 5 * k);
    }
    const nb = [0, 0, 1, 1, 2, 3, 3, 4, 5][n]!;
    for (let k = 0; k < nb; k++) out.push(Number((bits >> BigInt(32 - 8 * k)) & 255n));
  }
  return Buffer.from(out);
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of bytesOf(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const hash = (alg: string) => (s: string) => nodeCrypto().createHash(alg).update(bytesOf(s)).digest('hex');

// ----- derivePassword: the Master Password algorithm sprig implements -------------------------

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: ['CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno',
    'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno',
    'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno'],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};
const TEMPLATE_CHARS: Record<string, string> = {
  V: 'AEIOU', C: 'BCDFGHJKLMNPQRSTVWXYZ', v: 'aeiou', c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ', a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789', o: "@&%?,=[]_:-+*$#!'^~;()/.", x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const seed = Buffer.from('com.lyndir.masterpassword');
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
  const salt = Buffer.concat([seed, u32(bytesOf(user).length), bytesOf(user)]);
  const key = nodeCrypto().scryptSync(bytesOf(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const msg = Buffer.concat([seed, u32(bytesOf(site).length), bytesOf(site), u32(counter)]);
  const h = nodeCrypto().createHmac('sha256', key).update(msg).digest();
  const temp = templates[h[0]! % templates.length]!;
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = TEMPLATE_CHARS[temp[i]!]!;
    out += chars[h[i + 1]! % chars.length];
  }
  return out;
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  bytesOf(password).copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const content = bytesOf(plaintext);
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = nodeCrypto().randomBytes(16);
  const c = nodeCrypto().createCipheriv('aes-256-cbc', aesKey(password), iv).setAutoPadding(false);
  return Buffer.concat([iv, c.update(padded), c.final()]).toString('base64');
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  let crypt: Buffer;
  try { crypt = base64DecodeStrict(crypt64); } catch (e) { throw new GoFuncError((e as Error).message); }
  if (crypt.length < 16) throw new GoFuncError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoFuncError('crypto/cipher: input not full blocks');
  const d = nodeCrypto().createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  if (plain.length === 0) throw new GoFuncError('runtime error: index out of range [-1]');
  const cut = plain.length - plain[plain.length - 1]!;
  if (cut < 0) throw new GoFuncError(`runtime error: slice bounds out of range [:${cut}]`);
  return str(plain.subarray(0, cut));
}

export const encodingFuncs: Record<string, GoFunc> = {
  b64enc: fn(['string'], (s: string) => bytesOf(s).toString('base64')),
  b64dec: fn(['string'], (s: string) => {
    try { return str(base64DecodeStrict(s)); } catch (e) { return (e as Error).message; }
  }),
  b32enc: fn(['string'], (s: string) => base32Encode(bytesOf(s))),
  b32dec: fn(['string'], (s: string) => {
    try { return str(base32Decode(s)); } catch (e) { return (e as Error).message; }
  }),
  sha1sum: fn(['string'], hash('sha1')),
  sha256sum: fn(['string'], hash('sha256')),
  sha512sum: fn(['string'], hash('sha512')),
  adler32sum: fn(['string'], (s: string) => String(adler32(s))),
  uuidv4: fn([], () => nodeCrypto().randomUUID()),
  randBytes: fne(['int'], (n: number) => {
    if (n < 0) throw new GoFuncError('runtime error: makeslice: len out of range');
    return nodeCrypto().randomBytes(n).toString('base64');
  }),
  derivePassword: fn(['uint32', 'string', 'string', 'string', 'string'], derivePassword),
  encryptAES: fne(['string', 'string'], encryptAES),
  decryptAES: fne(['string', 'string'], decryptAES),
};
