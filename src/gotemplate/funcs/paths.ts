/**
 * Go's path (and, on Linux, path/filepath) functions, and sprig's urlParse/urlJoin over a
 * net/url-like parser.
 */
import { GoFuncError, type GoFunc, type GoMap, type Value } from '../value.js';
import { fn } from './define.js';
import { kindOf } from './reflect/types.js';

/** path.Clean */
export function clean(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** path.Base */
export function base(p: string): string {
  if (p === '') return '.';
  p = p.replace(/\/+$/, '');
  if (p === '') return '/';
  return p.slice(p.lastIndexOf('/') + 1);
}

/** path.Dir */
export function dir(p: string): string {
  return clean(p.slice(0, p.lastIndexOf('/') + 1));
}

/** path.Ext */
export function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const isAbs = (p: string) => p.startsWith('/');

// ----- net/url (the parts urlParse/urlJoin expose) ---------------------------------------------

function unescape(s: string, what: string): string {
  if (!/%/.test(s)) return s;
  const m = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(s);
  if (m) throw new Error(`invalid URL escape ${JSON.stringify(m[0].slice(0, 3))}`);
  try { return decodeURIComponent(s); } catch { return Buffer.from(s.replace(/%([0-9a-fA-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'); }
  void what;
}

interface Url { scheme: string; opaque: string; user?: { name: string; pass?: string }; host: string; path: string; rawQuery: string; fragment: string; forceQuery: boolean; omitHost: boolean }

function parseUrl(raw: string): Url {
  const hashAt = raw.indexOf('#');
  const frag = hashAt >= 0 ? raw.slice(hashAt + 1) : '';
  let rest = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error(`parse ${JSON.stringify(raw)}: net/url: invalid control character in URL`);
  const u: Url = { scheme: '', opaque: '', host: '', path: '', rawQuery: '', fragment: '', forceQuery: false, omitHost: false };
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (sm) { u.scheme = sm[1]!.toLowerCase(); rest = rest.slice(sm[0].length); }
  else if (/^:/.test(rest)) throw new Error(`parse ${JSON.stringify(raw)}: missing protocol scheme`);
  if (rest.endsWith('?') && rest.split('?').length === 2) { u.forceQuery = true; rest = rest.slice(0, -1); }
  else {
    const q = rest.indexOf('?');
    if (q >= 0) { u.rawQuery = rest.slice(q + 1); rest = rest.slice(0, q); }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') { u.opaque = rest; u.fragment = unescape(frag, 'fragment'); return u; }
    if (rest.split('/')[0]!.includes(':')) throw new Error(`parse ${JSON.stringify(raw)}: first path segment in URL cannot contain colon`);
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) { rest = authority.slice(slash); authority = authority.slice(0, slash); }
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const ui = authority.slice(0, at);
      const colon = ui.indexOf(':');
      u.user = colon >= 0 ? { name: unescape(ui.slice(0, colon), 'user'), pass: unescape(ui.slice(colon + 1), 'user') } : { name: unescape(ui, 'user') };
      authority = authority.slice(at + 1);
    }
    u.host = unescape(authority, 'host');
  } else if (u.scheme !== '' && rest.startsWith('/')) u.omitHost = true;
  u.path = unescape(rest, 'path');
  u.fragment = unescape(frag, 'fragment');
  return u;
}

const escapeWith = (s: string, keep: RegExp) =>
  Array.from(Buffer.from(s, 'utf8')).map((b) => {
    const c = String.fromCharCode(b);
    return b < 0x80 && keep.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }).join('');
const PATH_OK = /[A-Za-z0-9\-_.~$&+,/:;=@]/;
const FRAG_OK = /[A-Za-z0-9\-_.~$&+,/:;=@!()*?]/;
const USER_OK = /[A-Za-z0-9\-_.~$&+,;=!()*']/;
const HOST_OK = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/;

function userString(u: { name: string; pass?: string }): string {
  let s = escapeWith(u.name, USER_OK);
  if (u.pass !== undefined) s += ':' + escapeWith(u.pass, USER_OK);
  return s;
}

function urlString(u: Url): string {
  let out = '';
  if (u.scheme) out += u.scheme + ':';
  if (u.opaque) out += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '' || u.user) {
      if (!(u.omitHost && u.host === '' && !u.user)) {
        if (u.host !== '' || u.path !== '' || u.user) out += '//';
        if (u.user) out += userString(u.user) + '@';
        if (u.host) out += escapeWith(u.host, HOST_OK);
      }
    }
    const p = escapeWith(u.path, PATH_OK);
    if (p !== '' && p[0] !== '/' && u.host !== '') out += '/';
    if (out === '' && p.split('/')[0]!.includes(':')) out += './';
    out += p;
  }
  if (u.forceQuery || u.rawQuery !== '') out += '?' + u.rawQuery;
  if (u.fragment !== '') out += '#' + escapeWith(u.fragment, FRAG_OK);
  return out;
}

function urlParse(v: string): GoMap {
  let u: Url;
  try { u = parseUrl(v); } catch (e) { throw new GoFuncError(`unable to parse url: ${(e as Error).message}`); }
  const hostname = u.host.startsWith('[') ? u.host.slice(1, u.host.indexOf(']')) : u.host.replace(/:[0-9]*$/, '');
  return new Map<string, Value>([
    ['scheme', u.scheme], ['host', u.host], ['hostname', hostname], ['path', u.path], ['query', u.rawQuery],
    ['opaque', u.opaque], ['fragment', u.fragment], ['userinfo', u.user ? userString(u.user) : ''],
  ]);
}

function urlJoin(d: GoMap): string {
  const get = (k: string): string => {
    if (!d.has(k)) return '';
    const v = d.get(k)!;
    if (typeof v !== 'string') {
      if (v === null) throw new GoFuncError('runtime error: invalid memory address or nil pointer dereference');
      throw new GoFuncError(`unable to parse ${k} key, must be of type string, but ${kindOf(v)} found`);
    }
    return v;
  };
  const u: Url = {
    scheme: get('scheme'), host: get('host'), path: get('path'), rawQuery: get('query'), opaque: get('opaque'),
    fragment: get('fragment'), forceQuery: false, omitHost: false,
  };
  const ui = get('userinfo');
  if (ui !== '') {
    try { u.user = parseUrl(`proto://${ui}@host`).user; } catch (e) { throw new GoFuncError(`unable to parse userinfo in dict: ${(e as Error).message}`); }
  }
  return urlString(u);
}

export const pathFuncs: Record<string, GoFunc> = {
  base: fn(['string'], base),
  dir: fn(['string'], dir),
  clean: fn(['string'], clean),
  ext: fn(['string'], ext),
  isAbs: fn(['string'], isAbs),
  osBase: fn(['string'], base),
  osClean: fn(['string'], clean),
  osDir: fn(['string'], dir),
  osExt: fn(['string'], ext),
  osIsAbs: fn(['string'], isAbs),
  urlParse: fn(['string'], urlParse),
  urlJoin: fn(['map[string]interface {}'], urlJoin),
};
