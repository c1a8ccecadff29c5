/**
 * A loopback HTTP server for download tests: serves the files of a directory with Range and
 * If-Range support, and misbehaves on demand (error statuses, dropped connections, stalls,
 * redirects, ignored Range). Every request is recorded so tests can assert what was asked.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How the server answers one request; `serve` is the well-behaved default. */
export type Behaviour =
  | { readonly kind: 'serve' }
  /** Answers this status with a short text body (404, 503, …). */
  | { readonly kind: 'status'; readonly status: number }
  /** Sends the headers and this many body bytes, lets the client read them (100 ms), then closes the connection. */
  | { readonly kind: 'drop'; readonly after: number }
  /** Pauses this long after `after` body bytes (0: before the first), then goes on. */
  | { readonly kind: 'stall'; readonly ms: number; readonly after?: number }
  /** Answers 302 to this location (a path on this server or a URL). */
  | { readonly kind: 'redirect'; readonly to: string }
  /** Answers 200 with the whole file, ignoring Range. */
  | { readonly kind: 'ignore-range' };

export interface RecordedRequest {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The query string with its '?', or ''. */
  readonly search: string;
  readonly range: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export interface TestServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Behaviours for the next requests, one each, in order; later requests get `always`'s. */
  queue(...b: Behaviour[]): void;
  /** The behaviour once the queue is empty (default: serve). */
  always(b: Behaviour): void;
  /** Forgets requests, queue and `always`. */
  reset(): void;
  close(): Promise<void>;
}

export async function startHttpServer(root: string): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  let queued: Behaviour[] = [];
  let fallback: Behaviour = { kind: 'serve' };
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: req.method ?? 'GET', path: u.pathname, search: u.search, range: req.headers.range, headers: req.headers });
    const b = queued.shift() ?? fallback;
    answer(root, decodeURIComponent(u.pathname), req.headers, res, b).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue: (...b) => { queued.push(...b); },
    always: (b) => { fallback = b; },
    reset: () => { requests.length = 0; queued = []; fallback = { kind: 'serve' }; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function answer(root: string, path: string, headers: IncomingHttpHeaders, res: ServerResponse, b: Behaviour): Promise<void> {
  if (b.kind === 'status') return text(res, b.status, `status ${b.status}\n`);
  if (b.kind === 'redirect') { res.writeHead(302, { location: b.to, 'content-length': 0 }); res.end(); return; }
  const file = join(root, normalize(path));
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) return text(res, 404, 'not found\n');
  const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const lastModified = st.mtime.toUTCString();
  const wantsRange = b.kind !== 'ignore-range' && headers.range !== undefined && (!headers['if-range'] || headers['if-range'] === etag || headers['if-range'] === lastModified);
  const m = wantsRange ? /^bytes=(\d+)-(\d*)$/.exec(headers.range!) : null;
  let start = 0;
  let end = st.size - 1;
  const common = { etag, 'last-modified': lastModified, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
  if (m) {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), end) : end;
    if (start >= st.size) {
      res.writeHead(416, { ...common, 'content-range': `bytes */${st.size}`, 'content-length': 0 });
      res.end();
      return;
    }
    res.writeHead(206, { ...common, 'content-range': `bytes ${start}-${end}/${st.size}`, 'content-length': end - start + 1 });
  } else {
    res.writeHead(200, { ...common, 'content-length': st.size });
  }
  let sent = 0;
  const stallAt = b.kind === 'stall' ? b.after ?? 0 : -1;
  const send = async (chunk: Buffer) => {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    sent += chunk.length;
  };
  for await (const chunk of createReadStream(file, { start, end }) as AsyncIterable<Buffer>) {
    if (res.destroyed) return;
    let rest = chunk;
    if (b.kind === 'drop' && sent + rest.length >= b.after) {
      await send(rest.subarray(0, b.after - sent));
      await sleep(100);                             // Node's client drops what it has not read yet when the socket closes
      res.socket?.end();                            // a clean close before the promised length
      return;
    }
    if (stallAt >= sent && stallAt < sent + rest.length) {
      const before = stallAt - sent;
      await send(rest.subarray(0, before));
      rest = rest.subarray(before);
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      await sleep((b as { ms: number }).ms, undefined, { signal: gone.signal }).catch(() => {});
      if (res.destroyed) return;
    }
    await send(rest);
  }
  res.end();
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
