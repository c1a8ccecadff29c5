/**
 * One HTTP(S) GET with redirects, and its body as chunks under a stall timer. Every error of the
 * network side becomes a NetworkError, which the download retries; the timer measures only the
 * time spent waiting for the server, never the time we take to write what arrived.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Failure } from '../../util/errors.js';

/** A transient failure: the download resumes after a backoff. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export interface Response { readonly res: IncomingMessage; readonly url: URL }

const MAX_REDIRECTS = 10;

/** GETs url, following redirects; resolves with the first non-redirect response, whatever its status. */
export async function get(url: URL, headers: Readonly<Record<string, string>>, o: { stallTimeoutMs: number; signal?: AbortSignal }): Promise<Response> {
  for (let hops = 0; ; hops++) {
    const res = await getOnce(url, headers, o);
    const location = res.headers.location;
    if (!isRedirect(res.statusCode) || !location) return { res, url };
    res.resume();
    if (hops === MAX_REDIRECTS) throw new Failure(`${url.origin}${url.pathname}: more than ${MAX_REDIRECTS} redirects; check source.uri`);
    url = new URL(location, url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Failure(`redirected to ${url.protocol}//…, which is not http or https; check source.uri`);
  }
}

const isRedirect = (status = 0) => [301, 302, 303, 307, 308].includes(status);

function getOnce(url: URL, headers: Readonly<Record<string, string>>, o: { stallTimeoutMs: number; signal?: AbortSignal }): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req: ClientRequest = send(url, { method: 'GET', headers, signal: o.signal });
    const timer = setTimeout(() => req.destroy(new NetworkError(stalled(o.stallTimeoutMs))), o.stallTimeoutMs);
    req.once('response', (res) => { clearTimeout(timer); resolve(res); });
    req.once('error', (e) => { clearTimeout(timer); reject(o.signal?.aborted || e instanceof NetworkError ? e : new NetworkError(e.message)); });
    req.end();
  });
}

/** The body's chunks; fails with a NetworkError when none arrives for stallTimeoutMs or the connection breaks. */
export async function* bodyChunks(res: IncomingMessage, stallTimeoutMs: number): AsyncGenerator<Buffer> {
  const it = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      const timer = setTimeout(() => res.destroy(new NetworkError(stalled(stallTimeoutMs))), stallTimeoutMs);
      let next: IteratorResult<Buffer>;
      try {
        next = await it.next();
      } catch (e) {
        throw e instanceof NetworkError || (e as Error).name === 'AbortError' ? e : new NetworkError((e as Error).message);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    if (!res.complete) res.destroy();
  }
}

const stalled = (ms: number) => `no data for ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`;
