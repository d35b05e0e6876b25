/**
 * Child of bench/upload.ts: the raw loopback sink. A plain node http server on 127.0.0.1 that reads
 * and discards every request body and answers 201 — the ceiling our bid ingest is measured against.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    res.writeHead(201, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ bytes }));
  });
});
// the same request limits as the real server (node's defaults)
server.listen(0, '127.0.0.1', () => process.stdout.write(`sink listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
