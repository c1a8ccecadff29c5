// Serves the files of one directory on 127.0.0.1 (a free port, printed on stdout) until killed.
// The demo uses it to hand metro run a seed tarball over real HTTP.  node scripts/serve.mjs DIR
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

const root = process.argv[2];
if (!root) { console.error('usage: node scripts/serve.mjs DIR'); process.exit(2); }
const server = createServer((req, res) => {
  const path = join(root, normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.\/)+/, ''));
  let size;
  try { size = statSync(path).isFile() ? statSync(path).size : undefined; } catch { size = undefined; }
  if (size === undefined) { res.writeHead(404).end('not found\n'); return; }
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
