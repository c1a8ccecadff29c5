/**
 * sprig's password, key and certificate functions: bcrypt/htpasswd, genPrivateKey (rsa, dsa,
 * ecdsa, ed25519) and the certificate builders.
 */
import { nodeCrypto } from '../../util/vendor.js';
import type { GoFunc } from '../value.js';
import { bcryptHash } from './bcrypt.js';
import { fn, fne } from './define.js';
import { certFuncs, dsaPrivateKeyPem } from './x509.js';

function genPrivateKey(typ: string): string {
  switch (typ) {
    case 'rsa':
      return nodeCrypto().generateKeyPairSync('rsa', { modulusLength: 4096, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    case 'ecdsa':
      return nodeCrypto().generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    case 'ed25519':
      return nodeCrypto().generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    case 'dsa':
      return dsaPrivateKeyPem();
    default:
      return `Unknown type ${typ}`;
  }
}

function bcrypt(input: string): string {
  try {
    return bcryptHash(Buffer.from(input, 'utf8'));
  } catch (e) {
    return `failed to encrypt string with bcrypt: ${(e as Error).message}`;
  }
}

const htpasswd = (user: string, pass: string) =>
  (user.includes(':') ? `invalid username: ${user}` : `${user}:${bcrypt(pass)}`);


export const cryptoFuncs: Record<string, GoFunc> = {
  genPrivateKey: fn(['string'], genPrivateKey),
  bcrypt: fn(['string'], bcrypt),
  htpasswd: fn(['string', 'string'], htpasswd),
  buildCustomCert: fne(['string', 'string'], certFuncs.buildCustomCert),
  genCA: fne(['string', 'int'], certFuncs.genCA),
  genCAWithKey: fne(['string', 'int', 'string'], certFuncs.genCAWithKey),
  genSelfSignedCert: fne(['string', '[]interface {}', '[]interface {}', 'int'], certFuncs.genSelfSignedCert),
  genSelfSignedCertWithKey: fne(['string', '[]interface {}', '[]interface {}', 'int', 'string'], certFuncs.genSelfSignedCertWithKey),
  // The CA parameter is Go's sprig.certificate struct (not a GoType the table can name).
  genSignedCert: fne(['string', '[]interface {}', '[]interface {}', 'int', 'interface {}'], certFuncs.genSignedCert),
  genSignedCertWithKey: fne(['string', '[]interface {}', '[]interface {}', 'int', 'interface {}', 'string'], certFuncs.genSignedCertWithKey),
};
