/**
 * Stateful, seeded fuzzing of the embedded Toxiproxy API: random sequences of proxy and toxic
 * operations with mutated bodies and names, raw requests with hostile paths, content types and sizes.
 * Every answer must be a documented status (a JSON error body for each failure), the server must keep
 * serving, and what it holds at the end must match what its answers said had happened.
 * Bounded by a request count and a time budget.
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../harness/core/random.js';
import { startToxiproxyServer, type ToxiproxyServer } from '../../harness/toxiproxy/server.js';
import { Cleanup, startEchoServer, type TcpServer } from '../integration/toxiproxy/helpers.js';
import { pick, type Random } from './mutations.js';

const SEED = 0x70c1c;
const REQUESTS = 1_500;
const BUDGET_MS = 6_000;
const DOCUMENTED = new Set([200, 201, 204, 400, 404, 405, 409, 413, 500]);

const NAMES = [
  'p1',
  'p2',
  'p3',
  'weird.name_1',
  'n'.repeat(64),
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%00b',
  '中文',
  'with space',
  '-',
];
const TOXIC_NAMES = ['t1', 't2', 'latency_downstream', 'bandwidth_upstream', '..', '%2F'];
const LISTENS: unknown[] = [
  '127.0.0.1:0',
  'localhost:0',
  '[::1]:0',
  '127.0.0.1:99999',
  '127.0.0.1',
  'x:y',
  '',
  5,
  null,
];
const TOXICS: Record<string, Record<string, number>> = {
  latency: { latency: 10, jitter: 1 },
  bandwidth: { rate: 100 },
  slow_close: { delay: 10 },
  timeout: { timeout: 10 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 10, size_variation: 2, delay: 1 },
  limit_data: { bytes: 100 },
  noop: {},
};
const WEIRD: unknown[] = [
  null,
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  2 ** 64,
  '',
  'x',
  '10',
  true,
  false,
  [],
  {},
  [1],
  { a: 1 },
  'a'.repeat(2000),
];
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  'application/json; charset=latin1',
];
const RAW_PATHS = [
  '/proxies/..%2F..%2Fetc%2Fpasswd',
  '/proxies/%2e%2e/toxics',
  '/../proxies',
  '//proxies',
  '/proxies?x=1&x=2',
  '/proxies/p1/toxics/%00',
  '/proxies/p1/toxics/t1/..',
  '/populate/',
  '/reset?force',
  '/version/../proxies',
  `/${'a'.repeat(5000)}`,
  '/proxies/%ZZ',
];

interface Answer {
  readonly status: number;
  readonly json: unknown;
  readonly text: string;
}

let cleanup: Cleanup;
let server: ToxiproxyServer;
let upstream: TcpServer;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  cleanup = new Cleanup();
  upstream = await startEchoServer(cleanup);
  server = await startToxiproxyServer({ port: 0 });
  cleanup.add(() => server.close());
});
afterAll(async () => {
  agent.destroy();
  await cleanup.run();
});

function send(
  method: string,
  path: string,
  body?: string | Buffer,
  contentType = 'application/json',
): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: {
          ...(contentType ? { 'content-type': contentType } : {}),
          ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function mutate(random: Random, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(value);
  for (let n = Math.floor(random() * 3); n > 0; n--) {
    const keys = Object.keys(out);
    switch (Math.floor(random() * 4)) {
      case 0:
        if (keys.length) Reflect.deleteProperty(out, pick(random, keys));
        break;
      case 1:
        if (keys.length) out[pick(random, keys)] = pick(random, WEIRD);
        break;
      case 2:
        out[pick(random, ['extra', '__proto__', 'constructor', 'toxics', 'attributes'])] = pick(
          random,
          WEIRD,
        );
        break;
      default: {
        const attributes = out['attributes'];
        if (attributes && typeof attributes === 'object' && !Array.isArray(attributes)) {
          const attrs = attributes as Record<string, unknown>;
          const names = Object.keys(attrs);
          if (names.length) attrs[pick(random, names)] = pick(random, WEIRD);
          else attrs['unknown_attribute'] = 1;
        }
      }
    }
  }
  return out;
}

describe('embedded Toxiproxy API fuzzing', () => {
  it(`answers ${REQUESTS} seeded operations with documented statuses and ends in the state its answers described`, async () => {
    const random = createRandom(SEED);
    const model = new Map<string, Set<string>>();
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    // Mostly encoded; sometimes sent raw (when HTTP allows it), so `%2e%2e` or `..` reach the router as typed.
    const enc = (name: string): string =>
      /^[\x21-\x7e]+$/.test(name) && random() < 0.2 ? name : encodeURIComponent(name);
    const decoded = (segment: string): string => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    };
    const resync = async (): Promise<void> => {
      const state = (await send('GET', '/proxies')).json as Record<string, { toxics: { name: string }[] }>;
      model.clear();
      for (const [name, proxy] of Object.entries(state))
        model.set(name, new Set(proxy.toxics.map((t) => t.name)));
    };
    const started = Date.now();
    let sent = 0;
    for (; sent < REQUESTS && Date.now() - started < BUDGET_MS; sent++) {
      const name = pick(random, NAMES);
      const toxicName = pick(random, TOXIC_NAMES);
      const nameSegment = enc(name);
      const toxicSegment = enc(toxicName);
      const type = pick(random, Object.keys(TOXICS));
      const valid = random() < 0.5;
      const op = Math.floor(random() * 10);
      let method: string;
      let path = '/proxies';
      let body: string | Buffer | undefined;
      let contentType = 'application/json';
      switch (op) {
        case 0:
        case 1: {
          method = 'POST';
          const proxy = { name, listen: '127.0.0.1:0', upstream: upstream.address, enabled: true };
          body = JSON.stringify(valid ? proxy : { ...mutate(random, proxy), listen: pick(random, LISTENS) });
          break;
        }
        case 2:
          method = 'DELETE';
          path = `/proxies/${nameSegment}`;
          break;
        case 3:
        case 4: {
          method = 'POST';
          path = `/proxies/${nameSegment}/toxics`;
          const toxic = {
            name: toxicName,
            type,
            stream: pick(random, ['upstream', 'downstream']),
            toxicity: 1,
            attributes: TOXICS[type],
          };
          body = JSON.stringify(valid ? toxic : mutate(random, toxic));
          break;
        }
        case 5:
          method = pick(random, ['POST', 'PATCH']);
          path = `/proxies/${nameSegment}/toxics/${toxicSegment}`;
          body = JSON.stringify(mutate(random, { toxicity: 0.5, attributes: TOXICS[type] ?? {} }));
          break;
        case 6:
          method = 'DELETE';
          path = `/proxies/${nameSegment}/toxics/${toxicSegment}`;
          break;
        case 7:
          method = pick(random, ['POST', 'PATCH']);
          path = `/proxies/${nameSegment}`;
          body = JSON.stringify(
            mutate(random, { enabled: random() < 0.5, upstream: upstream.address, listen: '127.0.0.1:0' }),
          );
          break;
        case 8:
          if (random() < 0.3) {
            method = 'POST';
            path = random() < 0.5 ? '/reset' : '/populate';
            body = JSON.stringify(
              Array.from({ length: Math.floor(random() * 3) }, () =>
                mutate(random, {
                  name: pick(random, NAMES),
                  listen: '127.0.0.1:0',
                  upstream: upstream.address,
                }),
              ),
            );
          } else {
            method = 'GET';
            path = pick(random, [
              '/proxies',
              `/proxies/${nameSegment}`,
              `/proxies/${nameSegment}/toxics`,
              '/version',
            ]);
          }
          break;
        default: {
          method = pick(random, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
          path = pick(random, RAW_PATHS);
          contentType = pick(random, CONTENT_TYPES);
          const kind = Math.floor(random() * 4);
          body =
            kind === 0
              ? Buffer.alloc(1_100_000, 0x7b) // over the 1 MiB limit
              : kind === 1
                ? Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)))
                : kind === 2
                  ? '{"name": "p1", "listen": "127.0.0.1:0", "upstream"'
                  : undefined;
          if (method === 'GET' || method === 'HEAD') body = undefined;
        }
      }
      const answer = await send(method, path, body, contentType);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const where = `#${sent} ${method} ${path.slice(0, 60)} ${String(body ?? '').slice(0, 80)} → ${answer.status} ${answer.text.slice(0, 120)}`;
      if (!DOCUMENTED.has(answer.status)) problems.push(`undocumented status: ${where}`);
      if (answer.status >= 400 && method !== 'HEAD') {
        const error = answer.json as { error?: unknown; status?: unknown } | undefined;
        if (typeof error?.error !== 'string' || error.status !== answer.status)
          problems.push(`not a JSON error: ${where}`);
        if (answer.status === 500 && !/^listen tcp/.test(String(error?.error)))
          problems.push(`server error: ${where}`);
      }
      if (answer.status >= 300) continue;
      // Follow what the answer says happened.
      const created = answer.json as { name?: string } | undefined;
      if (op <= 1 && answer.status === 201 && created?.name) model.set(created.name, new Set());
      else if (op === 2 && answer.status === 204) model.delete(decoded(nameSegment));
      else if ((op === 3 || op === 4) && answer.status === 200 && created?.name) {
        const proxy = model.get(decoded(nameSegment));
        if (proxy) proxy.add(created.name);
        else problems.push(`a toxic was added to a proxy the model does not have: ${where}`);
      } else if (op === 6 && answer.status === 204)
        model.get(decoded(nameSegment))?.delete(decoded(toxicSegment));
      else if (method !== 'GET' && method !== 'HEAD') await resync(); // reset, populate, raw: read back
    }
    const ms = Date.now() - started;
    const state = (await send('GET', '/proxies')).json as Record<string, { toxics: { name: string }[] }>;
    const actual = Object.fromEntries(
      Object.entries(state).map(([n, p]) => [n, p.toxics.map((t) => t.name).sort()]),
    );
    const expected = Object.fromEntries([...model].map(([n, toxics]) => [n, [...toxics].sort()]));
    console.log(
      `toxiproxy API fuzz: ${sent} requests in ${ms} ms (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))};` +
        ` ${Object.keys(actual).length} proxies at the end; ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
    expect(actual).toEqual(expected);
    expect((await send('GET', '/version')).status).toBe(200);
    expect(sent).toBeGreaterThan(200);
  });

  it('survives 200 concurrent hostile requests and keeps serving', async () => {
    const random = createRandom(SEED + 1);
    const answers = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        send(
          pick(random, ['POST', 'PATCH', 'DELETE', 'GET']),
          pick(random, [...RAW_PATHS, '/proxies', '/populate', '/reset']),
          random() < 0.3
            ? Buffer.alloc(1_100_000, 0x20)
            : JSON.stringify(
                mutate(random, {
                  name: pick(random, NAMES),
                  listen: '127.0.0.1:0',
                  upstream: upstream.address,
                }),
              ),
          pick(random, CONTENT_TYPES),
        ),
      ),
    );
    const statuses = answers.map((a) =>
      a.status === 'fulfilled' ? a.value.status : `rejected: ${String(a.reason)}`,
    );
    // A refused oversized body may close the connection before the client finished sending: that is
    // the server protecting itself, not a crash. Everything answered must be documented.
    const answered = statuses.filter((s): s is number => typeof s === 'number');
    console.log(
      `toxiproxy API fuzz (concurrent): ${answered.length} of 200 answered, ${200 - answered.length} connections closed early`,
    );
    expect(answered.filter((s) => !DOCUMENTED.has(s))).toEqual([]);
    expect(answered.length).toBeGreaterThan(100);
    expect((await send('GET', '/version')).status).toBe(200);
  });
});
