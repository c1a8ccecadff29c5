import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GoStruct } from '../../../../src/gotemplate/value.js';
import { call } from './call.js';

const pem = (c: unknown, k: 'Cert' | 'Key') => (c as GoStruct).fields.get(k) as string;

describe('certificates', () => {
  it('genPrivateKey dsa writes Go\'s DSA PRIVATE KEY (version, p, q, g, y, x)', () => {
    const k = call('genPrivateKey', 'dsa') as string;
    expect(k).toMatch(/^-----BEGIN DSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(k).asymmetricKeyType).toBe('dsa');
  }, 60_000);

  it('genCA makes a self-signed CA with a subject key id', () => {
    const ca = call('genCA', 'my-ca', 30);
    expect((ca as GoStruct).typeName).toBe('sprig.certificate');
    const x = new X509Certificate(pem(ca, 'Cert'));
    expect(x.subject).toBe('CN=my-ca');
    expect(x.issuer).toBe('CN=my-ca');
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(pem(ca, 'Key')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86400_000;
    expect(days).toBe(30);
  }, 30_000);

  it('genSignedCert is signed by the CA and carries the SANs', () => {
    const ca = call('genCA', 'my-ca', 30);
    const c = call('genSignedCert', 'svc', ['10.0.0.1', '::1'], ['svc.local'], 10, ca);
    const x = new X509Certificate(pem(c, 'Cert'));
    const cax = new X509Certificate(pem(ca, 'Cert'));
    expect(x.issuer).toBe('CN=my-ca');
    expect(x.subject).toBe('CN=svc');
    expect(x.ca).toBe(false);
    expect(x.verify(cax.publicKey)).toBe(true);
    expect(x.checkIssued(cax)).toBe(true);
    expect(x.subjectAltName).toBe('DNS:svc.local, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  }, 30_000);

  it('WithKey variants use the given key; buildCustomCert checks its input', () => {
    const key = call('genPrivateKey', 'ecdsa') as string;
    const c = call('genSelfSignedCertWithKey', 'x', [], [], 1, key);
    const x = new X509Certificate(pem(c, 'Cert'));
    expect(x.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(pem(c, 'Key')).toBe(key);
    const b = call('buildCustomCert', Buffer.from(pem(c, 'Cert')).toString('base64'), Buffer.from(key).toString('base64'));
    expect(pem(b, 'Cert')).toBe(pem(c, 'Cert'));
    expect(() => call('buildCustomCert', '%%', 'x')).toThrow('unable to decode base64 certificate');
    expect(() => call('genCAWithKey', 'x', 1, 'nope')).toThrow('parsing private key: no PEM data in input');
    expect(() => call('genSelfSignedCert', 'x', ['not-an-ip'], [], 1)).toThrow('error parsing ip: not-an-ip');
  }, 30_000);
});
