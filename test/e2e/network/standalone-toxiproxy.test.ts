/**
 * A network-fault drill driving a standalone `rollback-drill toxiproxy` server (as a team's shared
 * Toxiproxy would be) through `fault.toxiproxy.url`. Checked from outside with toxiproxy-node-client:
 * the drill's proxy and toxic exist on that server while it runs and are gone afterwards, while a
 * proxy and toxic that were there before are untouched (no reset). No process may outlive the test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startCli, survivorsAfter, type CliRun } from '../cli-process.js';
import { freePort } from '../../integration/toxiproxy/helpers.js';
import { releaseCarriedFaultProblems, runNetworkDrill, stopRunningDrills } from './network-drill.js';

const DRILL_TOXIC = 'rollback-drill-latency-downstream';
const outDir = mkdtempSync(join(tmpdir(), 'drill-e2e-network-'));
let server: CliRun | undefined;

afterAll(async () => {
  await stopRunningDrills();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  rmSync(outDir, { recursive: true, force: true });
});

/** Starts `rollback-drill toxiproxy` on a free loopback port; resolves with its API URL. */
async function startStandaloneServer(): Promise<{ run: CliRun; url: string }> {
  const port = await freePort();
  const run = startCli(['toxiproxy', '--host', '127.0.0.1', '--port', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (!run.stdout().includes(`listening on ${url}`)) {
    if (run.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`toxiproxy server did not start:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { run, url };
}

/** demo-payments-latency, shortened (≈ 25 s), driving the server at `url`. */
function scenarioAgainst(url: string): string {
  const scenario = parse(readFileSync('scenarios/demo-payments-latency.yaml', 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  scenario['metadata'] = { ...scenario['metadata'], name: 'e2e-standalone-toxiproxy' };
  scenario['fault'] = { ...scenario['fault'], toxiproxy: { url } };
  scenario['phases'] = {
    ...scenario['phases'],
    baseline: { duration: '6s' },
    verify: { window: '8s', sustain: '3s' },
  };
  const file = join(outDir, 'standalone.yaml');
  writeFileSync(file, stringify(scenario));
  return file;
}

function refusesConnections(listen: string): Promise<boolean> {
  const colon = listen.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect(Number(listen.slice(colon + 1)), listen.slice(0, colon));
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function hasToxic(toxiproxy: Toxiproxy, proxy: string, toxic: string): Promise<boolean> {
  const found = await (await toxiproxy.get(proxy)).getToxic(toxic).then(
    () => true,
    (error: unknown) => {
      if (error instanceof Error && error.message.endsWith('status code 404')) return false;
      throw error;
    },
  );
  return found;
}

describe('a network-fault drill against a standalone toxiproxy server', () => {
  it('creates its proxy and toxic there, removes exactly those, and leaves what was there before', async () => {
    const started = await startStandaloneServer();
    server = started.run;
    const toxiproxy = new Toxiproxy(started.url);
    const theirs = await toxiproxy.createProxy({
      name: 'theirs',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:9',
      enabled: true,
    });
    await theirs.addToxic({
      name: 'kept',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    });

    let seenDuringDrill = { proxy: false, toxic: false };
    const drill = await runNetworkDrill(scenarioAgainst(started.url), outDir, async (run) => {
      const deploying = run.waitForStderr('toxic: deploying 1.5.0-mesh', 45_000);
      deploying.catch(() => undefined); // the race below reports it
      await Promise.race([
        deploying,
        run.exited.then(() => {
          throw new Error('the drill ended before it deployed 1.5.0-mesh');
        }),
      ]);
      seenDuringDrill = {
        proxy: Object.keys(await toxiproxy.getAll()).includes('demo-payments'),
        toxic: await hasToxic(toxiproxy, 'demo-payments', DRILL_TOXIC),
      };
    });

    expect(releaseCarriedFaultProblems(drill)).toEqual([]);
    expect(drill.record.fault.details['toxiproxy']).toBe(started.url);
    expect(seenDuringDrill).toEqual({ proxy: true, toxic: true });
    // The toxic on the standalone server is what slowed checkout: p95 ≥ its 400 ms.
    const windows = JSON.stringify(drill.record.windows);
    expect(drill.record.windows.fault?.latencyMs?.p95 ?? 0, windows).toBeGreaterThanOrEqual(400);

    // Nothing of the drill's is left on the server; what was there before is as it was.
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['theirs']);
    expect(await hasToxic(toxiproxy, 'theirs', 'kept')).toBe(true);
    expect(await hasToxic(toxiproxy, 'theirs', DRILL_TOXIC)).toBe(false);
    const drillProxy = drill.record.fault.details['proxy'] as { listen: string };
    expect(drillProxy.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(await refusesConnections(drillProxy.listen)).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await survivorsAfter(server.marker)).toEqual([]);
  });
});
