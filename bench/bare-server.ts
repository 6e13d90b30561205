import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIXED_RESPONSE } from './baseline';

/**
 * The machine's floor: a bare node:http server, in its own process, that reads the request body, decodes
 * it, `JSON.parse`s it and answers the same fixed card as the in-app baseline route. No framework, no
 * logging, no checks: what any service receiving this body must pay at least. Talks to the parent over
 * IPC like bench/server.ts ("ready", "rss", "cpu", "stop").
 */
const answer = Buffer.from(JSON.stringify(FIXED_RESPONSE));

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length }).end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as AddressInfo).port }));

process.on('message', (message: { type: string }) => {
  if (message.type === 'rss') process.send!({ type: 'rss', rss: process.memoryUsage().rss });
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', cpu: (user + system) / 1000 });
  }
  if (message.type === 'stop') {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
