/**
 * Hostile input never crashes the embedded server: seeded random bodies against every route, bytes
 * that are not HTTP, and clients that vanish mid-connection. Every answer is a documented status with
 * a JSON error body, and the server keeps serving.
 */
import { connect } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createRandom } from '../../../harness/core/random.js';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/server.js';
import {
  Cleanup,
  api,
  connectTo,
  eventually,
  roundTripMs,
  startEchoServer,
  startToxiproxy,
  type TcpServer,
} from './helpers.js';

let cleanup: Cleanup;
let server: ToxiproxyServer;
let upstream: TcpServer;

beforeEach(async () => {
  cleanup = new Cleanup();
  server = await startToxiproxy(cleanup);
  upstream = await startEchoServer(cleanup);
});
afterEach(() => cleanup.run());

const random = createRandom(20260322);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const KEYS = [
  'name',
  'listen',
  'upstream',
  'enabled',
  'type',
  'stream',
  'toxicity',
  'attributes',
  'latency',
  'rate',
  'bytes',
  'toxics',
  '__proto__',
  'constructor',
];

function randomValue(depth = 0): unknown {
  const kinds =
    depth > 3
      ? ['string', 'number', 'bool', 'null']
      : ['string', 'number', 'bool', 'null', 'object', 'array'];
  switch (pick(kinds)) {
    case 'string':
      return pick([
        '',
        'x',
        'latency',
        'upstream',
        'downstream',
        '127.0.0.1:0',
        'localhost:1',
        '::::',
        'a'.repeat(300),
        '\u0000\uffff',
        '%2F',
        '../..',
      ]);
    case 'number':
      return pick([0, -1, 1, 0.5, 1e308, -1e308, 2 ** 63, 2 ** 64 + 1, 1.5]);
    case 'bool':
      return random() < 0.5;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 5) }, () => [pick(KEYS), randomValue(depth + 1)]),
      );
  }
}

function randomBody(): string | undefined {
  switch (pick(['json', 'json', 'json', 'broken', 'bytes', 'none', 'deep'])) {
    case 'json':
      return JSON.stringify(randomValue());
    case 'broken':
      return JSON.stringify(randomValue()).slice(0, -1) + pick(['{', ',', '"', '']);
    case 'bytes':
      return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString('latin1');
    case 'deep':
      return '['.repeat(50_000) + ']'.repeat(50_000);
    default:
      return undefined;
  }
}

const PATHS = [
  '/proxies',
  '/populate',
  '/reset',
  '/version',
  '/proxies/p',
  '/proxies/p/toxics',
  '/proxies/p/toxics/t',
  '/proxies/p/toxics/latency_downstream',
  '/proxies/%ZZ',
  '/proxies/p/toxics/t/extra',
  '/',
];
const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'];
const DOCUMENTED = new Set([200, 201, 204, 400, 404, 405, 409, 413, 500]);

it('answers 600 random requests with documented statuses and JSON errors, and keeps serving', async () => {
  await api(server.url, 'POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: upstream.address });
  for (let i = 0; i < 600; i++) {
    const method = pick(METHODS);
    const path = pick(PATHS);
    const body = method === 'GET' || method === 'DELETE' ? undefined : randomBody();
    const response = await api(server.url, method, path, body);
    const where = `${method} ${path} ${String(body).slice(0, 80)}`;
    expect(DOCUMENTED.has(response.status), where).toBe(true);
    if (response.status >= 400) {
      const json = response.json as { error?: unknown; status?: unknown };
      expect(typeof json.error, where).toBe('string');
      expect(json.status, where).toBe(response.status);
      if (response.status === 500) expect(json.error, where).toMatch(/^listen tcp/);
    }
  }
  expect((await api(server.url, 'GET', '/version')).status).toBe(200);
});

it('survives bytes that are not HTTP', async () => {
  const port = new URL(server.url).port;
  for (const garbage of [
    '\u0000\u0001\u0002',
    'GET / HTTP/9.9\r\n\r\n',
    'POST /proxies HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
    'x'.repeat(100_000),
  ]) {
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    cleanup.add(() => void socket.destroy());
    socket.resume(); // read the 400 and the close
    socket.end(garbage);
    await new Promise((resolve) => socket.once('close', resolve));
  }
  expect((await api(server.url, 'GET', '/version')).status).toBe(200);
});

it('survives proxy clients that reset, vanish mid-dial or half-close at once', async () => {
  const created = await api(server.url, 'POST', '/proxies', {
    name: 'p',
    listen: '127.0.0.1:0',
    upstream: upstream.address,
  });
  const listen = (created.json as { listen: string }).listen;
  await api(server.url, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 20 } });
  const [host, port] = [
    listen.slice(0, listen.lastIndexOf(':')),
    Number(listen.slice(listen.lastIndexOf(':') + 1)),
  ];
  await Promise.all(
    Array.from({ length: 300 }, async (_, i) => {
      const socket = connect(port, host);
      socket.on('error', () => undefined);
      cleanup.add(() => void socket.destroy());
      await new Promise((resolve) => socket.once('connect', resolve));
      if (i % 3 === 0) socket.resetAndDestroy();
      else if (i % 3 === 1) socket.destroy();
      else socket.end('half-closed right away');
    }),
  );
  const client = await connectTo(cleanup, listen);
  expect(await roundTripMs(client)).toBeGreaterThanOrEqual(18);
  client.destroy();
  expect(await eventually(() => upstream.sockets.size === 0, 10_000)).toBe(true);
});
