/**
 * sprig's certificate functions (genCA, genSelfSignedCert, genSignedCert and their WithKey
 * forms, buildCustomCert) as Go's x509.CreateCertificate builds them: a small DER writer and
 * reader around node:crypto keys and signatures.
 */
import type { KeyObject } from 'node:crypto';
import { nodeCrypto, nodeNet } from '../../util/vendor.js';
import { GoFuncError, GoStruct, type Value } from '../value.js';
import { base64DecodeStrict } from './encoding.js';

// ----- DER ------------------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 255);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, body: Buffer) => tlv(0xa0 + n, body);
const bool = (b: boolean) => tlv(0x01, Buffer.from([b ? 0xff : 0]));
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && b[i + 1]! < 0x80) i++;
  const body = b.subarray(i);
  return tlv(0x02, body[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}
function oid(s: string): Buffer {
  const parts = s.split('.').map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const enc: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) enc.unshift(0x80 | (v & 0x7f));
    out.push(...enc);
  }
  return tlv(0x06, Buffer.from(out));
}
function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const p = (n: number) => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(p(y % 100) + rest));
  return tlv(0x18, Buffer.from(String(y).padStart(4, '0') + rest));
}
function dirString(s: string): Buffer {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s) ? tlv(0x13, Buffer.from(s)) : tlv(0x0c, Buffer.from(s, 'utf8'));
}

/** Reads one TLV: [tag, header length, total length]. */
function readTlv(b: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = b[at]!;
  let l = b[at + 1]!;
  let hdr = 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    l = 0;
    for (let i = 0; i < n; i++) l = l * 256 + b[at + 2 + i]!;
    hdr += n;
  }
  return { tag, start: at + hdr, end: at + hdr + l };
}
function children(b: Buffer, outer: { start: number; end: number }) {
  const out: { tag: number; start: number; end: number; raw: Buffer }[] = [];
  for (let at = outer.start; at < outer.end;) {
    const t = readTlv(b, at);
    out.push({ ...t, raw: b.subarray(at, t.end) });
    at = t.end;
  }
  return out;
}

// ----- certificates -------------------------------------------------------------------------------

interface Template {
  cn: string; ips: Buffer[]; dns: string[]; days: number; isCA: boolean;
}

const KEY_USAGE = { digitalSignature: 0x80, keyEncipherment: 0x20, certSign: 0x04 };

function sigAlg(key: KeyObject): { alg: Buffer; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa': return { alg: seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0))), hash: 'sha256' };
    case 'ec': return { alg: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
    case 'ed25519': return { alg: seq(oid('1.3.101.112')), hash: null };
  }
  throw new GoFuncError(`x509: only RSA, ECDSA and Ed25519 keys supported`);
}

function create(t: Template, pub: KeyObject, parent: { subject: Buffer; skid?: Buffer } | null, signer: KeyObject): Buffer {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + t.days * 86400_000);
  const subject = seq(set(seq(oid('2.5.4.3'), dirString(t.cn))));
  const issuer = parent ? parent.subject : subject;
  const spki = pub.export({ type: 'spki', format: 'der' });
  const { alg, hash } = sigAlg(signer);
  const exts: Buffer[] = [];
  const ku = KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment | (t.isCA ? KEY_USAGE.certSign : 0);
  // Go writes the key usage bits with the trailing zero bits cut off.
  let unused = 0;
  while (!((ku >> unused) & 1)) unused++;
  exts.push(seq(oid('2.5.29.15'), bool(true), octets(bitString(Buffer.from([ku]), unused))));
  if (!t.isCA) exts.push(seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))));
  exts.push(seq(oid('2.5.29.19'), bool(true), octets(t.isCA ? seq(bool(true)) : seq())));
  let skid: Buffer | undefined;
  if (t.isCA) {
    const pkBits = children(spki, readTlv(spki, 0))[1]!;
    skid = nodeCrypto().createHash('sha1').update(spki.subarray(pkBits.start + 1, pkBits.end)).digest();
    exts.push(seq(oid('2.5.29.14'), octets(octets(skid))));
  }
  const authority = parent ? parent.skid : skid;
  if (authority && parent) exts.push(seq(oid('2.5.29.35'), octets(seq(tlv(0x80, authority)))));
  if (t.dns.length || t.ips.length) {
    const names = [...t.dns.map((d) => tlv(0x82, Buffer.from(d))), ...t.ips.map((ip) => tlv(0x87, ip))];
    exts.push(seq(oid('2.5.29.17'), octets(seq(...names))));
  }
  const serial = nodeCrypto().randomBytes(16);
  const tbs = seq(explicit(0, integer(Buffer.from([2]))), integer(serial), alg, issuer, seq(time(now), time(notAfter)), subject, spki,
    explicit(3, seq(...exts)));
  const sig = nodeCrypto().sign(hash, tbs, signer);
  return seq(tbs, alg, bitString(sig));
}

const pem = (type: string, der: Buffer) =>
  `-----BEGIN ${type}-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${type}-----\n`;

function keyPem(k: KeyObject): string {
  switch (k.asymmetricKeyType) {
    case 'rsa': return k.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec': return k.export({ type: 'sec1', format: 'pem' }) as string;
    default: return k.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
}

/** sprig's parsePrivateKeyPEM (RSA, EC, PKCS#8). */
function parsePrivateKey(p: string): KeyObject {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(p);
  if (!m) throw new Error('no PEM data in input');
  const type = m[1]!;
  if (type !== 'PRIVATE KEY' && !type.endsWith(' PRIVATE KEY')) throw new Error(`no private key data in PEM block of type ${type}`);
  if (!['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'].includes(type)) throw new Error(`invalid private key type ${type}`);
  try {
    return nodeCrypto().createPrivateKey(p);
  } catch (e) {
    const what = type === 'PRIVATE KEY' ? 'decoding PEM as PKCS#8' : type === 'RSA PRIVATE KEY' ? 'parsing RSA private key from PEM' : 'parsing EC private key from PEM';
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

const certificate = (cert: string, key: string) =>
  new GoStruct('sprig.certificate', new Map<string, Value>([['Cert', cert], ['Key', key]]));

function template(cn: string, ips: Value[] | null, dns: Value[] | null, days: number, isCA: boolean): Template {
  const ipBufs = (ips ?? []).map((ip) => {
    if (typeof ip !== 'string') throw new GoFuncError(`error parsing ip: ${String(ip)}`);
    const v = nodeNet().isIP(ip);
    if (v === 4) return Buffer.from(ip.split('.').map(Number));
    if (v === 6) return ipv6Bytes(ip);
    throw new GoFuncError(`error parsing ip: ${ip}`);
  });
  const names = (dns ?? []).map((d) => {
    if (typeof d !== 'string') throw new GoFuncError(`error processing alternate dns name: ${String(d)}`);
    return d;
  });
  return { cn, ips: ipBufs, dns: names, days, isCA };
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':') : []);
  const h = parse(head);
  const t = tail !== undefined ? parse(tail) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g: string, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

const rsaKey = () => nodeCrypto().generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function withKey<T>(pemKey: string, f: (k: KeyObject) => T): T {
  let k: KeyObject;
  try { k = parsePrivateKey(pemKey); } catch (e) { throw new GoFuncError(`parsing private key: ${(e as Error).message}`); }
  return f(k);
}

function selfSigned(t: Template, key: KeyObject): GoStruct {
  const der = create(t, nodeCrypto().createPublicKey(key), null, key);
  return certificate(pem('CERTIFICATE', der), keyPem(key));
}

function signed(t: Template, key: KeyObject, ca: Value): GoStruct {
  if (!(ca instanceof GoStruct) || ca.typeName !== 'sprig.certificate') {
    throw new GoFuncError(`wrong type for value; expected sprig.certificate; got ${ca === null ? 'interface {}' : 'other'}`);
  }
  const caCert = String(ca.fields.get('Cert') ?? '');
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(caCert);
  if (!m) throw new GoFuncError('unable to decode certificate');
  const der = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  try { new (nodeCrypto().X509Certificate)(der); } catch (e) { throw new GoFuncError(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`); }
  let signer: KeyObject;
  try { signer = parsePrivateKey(String(ca.fields.get('Key') ?? '')); } catch (e) { throw new GoFuncError(`error parsing private key: ${(e as Error).message}`); }
  const tbs = children(der, readTlv(der, 0))[0]!;
  const fields = children(der, tbs);
  const subject = fields[5]!.raw;
  let skid: Buffer | undefined;
  const extsWrap = fields.find((f) => f.tag === 0xa3);
  if (extsWrap) {
    for (const ext of children(der, children(der, extsWrap)[0]!)) {
      const parts = children(der, ext);
      if (parts[0]!.raw.equals(oid('2.5.29.14'))) {
        const inner = parts[parts.length - 1]!;
        const o = readTlv(der, inner.start);
        skid = der.subarray(o.start, o.end);
      }
    }
  }
  const out = create(t, nodeCrypto().createPublicKey(key), { subject, skid }, signer);
  return certificate(pem('CERTIFICATE', out), keyPem(key));
}

function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  let cert: string;
  let key: string;
  try { cert = base64DecodeStrict(b64cert).toString('utf8'); } catch { throw new GoFuncError('unable to decode base64 certificate'); }
  try { key = base64DecodeStrict(b64key).toString('utf8'); } catch { throw new GoFuncError('unable to decode base64 private key'); }
  const m = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END/.exec(cert);
  if (!m) throw new GoFuncError('unable to decode certificate');
  try { new (nodeCrypto().X509Certificate)(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')); } catch (e) {
    throw new GoFuncError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  try { parsePrivateKey(key); } catch (e) { throw new GoFuncError(`error parsing private key: ${(e as Error).message}`); }
  return certificate(cert, key);
}

export const certFuncs = {
  buildCustomCert,
  genCA: (cn: string, days: number) => selfSigned(template(cn, null, null, days, true), rsaKey()),
  genCAWithKey: (cn: string, days: number, key: string) => withKey(key, (k) => selfSigned(template(cn, null, null, days, true), k)),
  genSelfSignedCert: (cn: string, ips: Value[], dns: Value[], days: number) => selfSigned(template(cn, ips, dns, days, false), rsaKey()),
  genSelfSignedCertWithKey: (cn: string, ips: Value[], dns: Value[], days: number, key: string) =>
    withKey(key, (k) => selfSigned(template(cn, ips, dns, days, false), k)),
  genSignedCert: (cn: string, ips: Value[], dns: Value[], days: number, ca: Value) => signed(template(cn, ips, dns, days, false), rsaKey(), ca),
  genSignedCertWithKey: (cn: string, ips: Value[], dns: Value[], days: number, ca: Value, key: string) =>
    withKey(key, (k) => signed(template(cn, ips, dns, days, false), k, ca)),
};

/** A DSA key in Go's "DSA PRIVATE KEY" form (version, p, q, g, y, x), as sprig writes it. */
export function dsaPrivateKeyPem(): string {
  const { privateKey } = nodeCrypto().generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const top = children(der, readTlv(der, 0));
  const params = children(der, children(der, top[1]!)[1]!).map((x) => der.subarray(x.start, x.end));
  const inner = der.subarray(top[2]!.start, top[2]!.end);
  const xTlv = readTlv(inner, 0);
  const x = inner.subarray(xTlv.start, xTlv.end);
  const big = (b: Buffer) => BigInt('0x' + (b.toString('hex') || '0'));
  const [p, q, g] = params.map(big) as [bigint, bigint, bigint];
  let y = 1n;
  let base = g % p;
  for (let e = big(x); e > 0n; e >>= 1n) {
    if (e & 1n) y = (y * base) % p;
    base = (base * base) % p;
  }
  const toBuf = (n: bigint) => { const h = n.toString(16); return Buffer.from(h.length % 2 ? '0' + h : h, 'hex'); };
  const body = seq(integer(Buffer.from([0])), integer(toBuf(p)), integer(toBuf(q)), integer(toBuf(g)), integer(toBuf(y)), integer(x));
  return pem('DSA PRIVATE KEY', body);
}
