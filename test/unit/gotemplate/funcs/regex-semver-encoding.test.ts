import { describe, expect, it } from 'vitest';
import { GoFuncError } from '../../../../src/gotemplate/value.js';
import { SemverVersion } from '../../../../src/gotemplate/funcs/semver.js';
import { b64decodeBcrypt, bcryptHash } from '../../../../src/gotemplate/funcs/bcrypt.js';
import { call, show } from './call.js';

describe('regex functions (RE2 semantics)', () => {
  it('find, findAll, match, split', () => {
    expect(call('regexFind', '[0-9]+', 'abc123def456')).toBe('123');
    expect(call('regexFind', 'z', 'abc')).toBe('');
    expect(show('regexFindAll', '[0-9]+', 'a1b22c333', -1)).toBe('[1 22 333]');
    expect(show('regexFindAll', '[0-9]+', 'a1b22c333', 2)).toBe('[1 22]');
    expect(show('regexFindAll', 'x*', 'axxb', -1)).toBe('[ xx ]');
    expect(call('regexMatch', '^[a-z]+\\.[a-z]+$', 'abc.def')).toBe(true);
    expect(call('regexMatch', '[', 'a')).toBe(false);
    expect(show('regexSplit', 'z+', 'pizza', -1)).toBe('[pi a]');
    expect(show('regexSplit', '[,;]', 'a,b;c', 2)).toBe('[a b;c]');
    expect(show('regexSplit', 'a', '', -1)).toBe('[]');
  });

  it('replaceAll expands $1W as a group named 1W; ${1} is the group', () => {
    expect(call('regexReplaceAll', 'a(x*)b', '-ab-axxb-', '${1}W')).toBe('-W-xxW-');
    expect(call('regexReplaceAll', 'a(x*)b', '-ab-axxb-', '$1W')).toBe('---');
    expect(call('regexReplaceAll', 'a(?P<x>x*)b', '-ab-axxb-', '[$x]$$')).toBe('-[]$-[xx]$-');
    expect(call('regexReplaceAllLiteral', 'a(x*)b', '-ab-axxb-', '${1}')).toBe('-${1}-${1}-');
    expect(call('regexReplaceAll', 'x*', 'abc', '-')).toBe('-a-b-c-');
    expect(call('regexQuoteMeta', '1.2.3+[x]')).toBe('1\\.2\\.3\\+\\[x\\]');
  });

  it('invalid patterns: MustCompile panics, must* return the error', () => {
    expect(() => call('regexFind', '[', 'a')).toThrow(new GoFuncError('regexp: Compile(`[`): error parsing regexp: missing closing ]: `[`'));
    expect(() => call('mustRegexMatch', '[', 'a')).toThrow(new GoFuncError('error parsing regexp: missing closing ]: `[`'));
  });
});

describe('semver', () => {
  it('parses versions', () => {
    const v = call('semver', '1.2.3-beta.1+build5') as SemverVersion;
    expect(show('semver', '1.2.3-beta.1+build5')).toBe('1.2.3-beta.1+build5');
    expect([v.fields.get('Major'), v.fields.get('Minor'), v.fields.get('Patch'), v.fields.get('Prerelease'), v.fields.get('Metadata')])
      .toEqual([1, 2, 3, 'beta.1', 'build5']);
    expect((call('semver', 'v2.0') as SemverVersion).fields.get('Original')).toBe('v2.0');
    expect(call('typeOf', v)).toBe('*semver.Version');
    expect(() => call('semver', 'not-a-version')).toThrow('Invalid Semantic Version');
    expect(() => call('semver', '1.2.3-01')).toThrow('Version segment starts with 0');
    expect(v.methods.get('Compare')!.fn(call('semver', '1.3.3'))).toBe(-1);
  });

  it('checks constraints like Masterminds/semver v3.3.0', () => {
    const c = (con: string, v: string) => call('semverCompare', con, v);
    expect(c('>=1.2.0', '1.3.0')).toBe(true);
    expect(c('~1.2', '1.3.0')).toBe(false);
    expect(c('~1.2', '1.2.9')).toBe(true);
    expect(c('^1.0', '2.0.0')).toBe(false);
    expect(c('^1.2.0', '1.9.3')).toBe(true);
    expect(c('^0.2.3', '0.3.0')).toBe(false);
    expect(c('1.2.x', '1.2.9')).toBe(true);
    expect(c('1.2.3', '1.2.3')).toBe(true);
    expect(c('>1.0 <2.0 || >=3', '3.1.0')).toBe(true);
    expect(c('>1.0, <2.0', '2.0.0')).toBe(false);
    expect(c('1.1 - 1.3', '1.3.0')).toBe(true);
    expect(c('>=1.0', '1.1.0-alpha')).toBe(false);
    expect(c('>=1.0-0', '1.1.0-alpha')).toBe(true);
    expect(c('!=1.2.x', '1.3.0')).toBe(true);
    expect(c('*', '5.0.0')).toBe(true);
    expect(() => c('badConstraint', '1.2.3')).toThrow('improper constraint: badConstraint');
    expect(() => c('1.2.0', 'badVersion')).toThrow('Invalid Semantic Version');
  });
});

describe('encodings and hashes', () => {
  it('base64/base32 with Go errors', () => {
    expect(call('b64enc', 'hello')).toBe('aGVsbG8=');
    expect(call('b64dec', 'aGVsbG8=')).toBe('hello');
    expect(call('b64dec', 'not*base64')).toBe('illegal base64 data at input byte 3');
    expect(call('b64dec', 'aGVsbG8')).toBe('illegal base64 data at input byte 4');
    expect(call('b32enc', 'hi')).toBe('NBUQ====');
    expect(call('b32dec', 'NBUQ====')).toBe('hi');
    expect(call('b32dec', 'NB!Q====')).toBe('illegal base32 data at input byte 2');
  });

  it('hashes, uuid, random bytes', () => {
    expect(call('sha256sum', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(call('sha1sum', 'abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(call('adler32sum', 'abc')).toBe('38600999');
    expect((call('sha512sum', 'abc') as string).length).toBe(128);
    expect(call('uuidv4')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Buffer.from(call('randBytes', 12) as string, 'base64').length).toBe(12);
  });

  it('AES round trip, derivePassword, private keys', () => {
    const enc = call('encryptAES', 'secretkey', 'plaintext') as string;
    expect(call('decryptAES', 'secretkey', enc)).toBe('plaintext');
    expect(call('derivePassword', 1, 'long', 'password', 'user', 'example.com')).toBe('ZedaFaxcZaso9*');
    expect(call('genPrivateKey', 'ecdsa')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(call('genPrivateKey', 'nope')).toBe('Unknown type nope');
  });

  it('bcrypt and htpasswd', () => {
    // The classic OpenBSD test vector, then the shape sprig produces (cost 10, $2a$).
    expect(bcryptHash(Buffer.from('U*U'), 5, b64decodeBcrypt('CCCCCCCCCCCCCCCCCCCCC.')))
      .toBe('$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW');
    expect(call('bcrypt', 'secret')).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(call('htpasswd', 'me', 'pw')).toMatch(/^me:\$2a\$10\$/);
    expect(call('htpasswd', 'a:b', 'pw')).toBe('invalid username: a:b');
  });

  it('paths and urls', () => {
    expect(call('base', 'foo/bar.txt')).toBe('bar.txt');
    expect(call('dir', '/foo/bar/')).toBe('/foo/bar');
    expect(call('clean', 'foo/../../bar//')).toBe('../bar');
    expect(call('ext', 'foo.tar.xz')).toBe('.xz');
    expect(call('isAbs', '/x')).toBe(true);
    expect(show('urlParse', 'https://u:p@host.example:8080/a%20b?x=1#frag'))
      .toBe('map[fragment:frag host:host.example:8080 hostname:host.example opaque: path:/a b query:x=1 scheme:https userinfo:u:p]');
    expect(call('urlJoin', call('urlParse', 'https://u:p@host.example:8080/a%20b?x=1#frag'))).toBe('https://u:p@host.example:8080/a%20b?x=1#frag');
    expect(call('getHostByName', 'example.com')).toBe('');
  });
});
