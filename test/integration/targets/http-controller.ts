/**
 * An HTTP-controlled deployment of the demo shop, for the `http` target's drill: a small controller
 * in front of the embedded demo (real shop processes behind the blue-green router) that, like a CD
 * tool's API, accepts a deploy or rollback and carries it out in the background.
 *
 *   POST /deploy {"version": "1.5.0-errors"} → 202   POST /rollback → 202
 *   GET  /status → {"version", "desired", "state", "servingSinceEpochMs", "error"}
 *
 * Every call needs `Authorization: Bearer <token>`. `servingSinceEpochMs` is when the router really
 * switched (observed in-process), for the test to compare with what the drill measured.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { SystemClock } from '../../../harness/core/clock.js';
import { embeddedTargetConfig } from '../../../harness/scenario/schema/targets.js';
import { createEmbeddedTarget, type EmbeddedTarget } from '../../../harness/targets/embedded.js';

export interface HttpController {
  readonly url: URL;
  /** The demo's router: where traffic goes. */
  readonly shopUrl: URL;
  /** Switch moments seen by the controller: [version, epoch ms]. */
  readonly switches: readonly (readonly [string, number])[];
  close(): Promise<void>;
}

/** How long the controller queues a request before acting, like a CD tool picking up work. */
const PICKUP_DELAY_MS = 300;

export async function startHttpController(token: string): Promise<HttpController> {
  const clock = new SystemClock();
  const demo: EmbeddedTarget = createEmbeddedTarget(
    embeddedTargetConfig.parse({ type: 'embedded', stableVersion: '1.4.2' }),
  );
  const lifetime = new AbortController();
  const ctx: AdapterContext = { clock, signal: lifetime.signal, log: () => undefined };
  const { baseUrl } = await demo.prepare(ctx);
  const switches: [string, number][] = [];
  let state: 'idle' | 'deploying' | 'rolling-back' = 'idle';
  let desired = demo.stableVersion;
  let error: string | null = null;
  let work: Promise<void> = Promise.resolve();

  const later = (what: typeof state, job: () => Promise<void>): void => {
    state = what;
    error = null;
    work = work
      .then(async () => {
        await clock.sleep(PICKUP_DELAY_MS, lifetime.signal);
        try {
          await job();
        } catch (failure) {
          error = failure instanceof Error ? failure.message : String(failure);
        } finally {
          state = 'idle';
        }
      })
      .catch(() => undefined);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'unauthorized' });
    if (req.method === 'GET' && req.url === '/status') {
      const version = (await demo.currentVersion(ctx)) ?? null;
      const last = switches.at(-1);
      return reply(200, { version, desired, state, servingSinceEpochMs: last?.[1] ?? null, error });
    }
    if (req.method === 'POST' && req.url === '/deploy') {
      const body = JSON.parse((await readBody(req)) || '{}') as { version?: unknown };
      if (typeof body.version !== 'string') return reply(400, { error: 'expected {"version": "..."}' });
      const version = body.version;
      desired = version;
      later('deploying', async () => {
        const deployed = await demo.deploy(version, ctx);
        switches.push([version, clock.toEpochMs(deployed.servingAtMs)]);
      });
      return reply(202, { accepted: true, desired });
    }
    if (req.method === 'POST' && req.url === '/rollback') {
      desired = demo.stableVersion;
      later('rolling-back', async () => {
        const confirmation = await demo.rollback(ctx);
        switches.push([demo.stableVersion, clock.toEpochMs(confirmation.completedAtMs)]);
      });
      return reply(202, { accepted: true, desired });
    }
    return reply(404, { error: 'not found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => {
      res.writeHead(500).end(String(failure));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    shopUrl: baseUrl,
    switches,
    async close() {
      lifetime.abort(new Error('controller closed'));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await work;
      await demo.dispose();
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
