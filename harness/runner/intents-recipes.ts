/**
 * How to undo each world-changing step of a drill, written into the intent record before the step.
 * The runner knows only the ports; what an undo needs is read from the scenario (the target block,
 * the toxiproxy URL and names) and from what an adapter can report at run time (the processes it
 * started). Anything that lives inside the harness process (the embedded router and Toxiproxy
 * server, the traffic generator) dies with it and is recorded as needing nothing.
 */
import { Agent, request } from 'undici';
import type { Fault } from '../faults/port.js';
import type { Scenario } from '../scenario/model.js';
import type { Target } from '../targets/port.js';
import { processStartTicks } from './intents-processes.js';
import type { TrackedProcess, UndoStep } from './intents.js';

const PROBE_TIMEOUT_MS = 5_000;

/** An adapter that can name the processes it started (the embedded target does). */
interface ReportsProcesses {
  liveProcesses(): readonly { readonly label: string; readonly pid: number }[];
}

function reportsProcesses(adapter: object): adapter is ReportsProcesses {
  return typeof (adapter as Partial<ReportsProcesses>).liveProcesses === 'function';
}

/** The processes an adapter reports, each with its start time so a recycled pid is never signalled. */
export function trackedProcessesOf(adapter: object): TrackedProcess[] {
  if (!reportsProcesses(adapter)) return [];
  try {
    return adapter
      .liveProcesses()
      .map(({ pid, label }) => ({ pid, label, startTicks: processStartTicks(pid) }))
      .filter((p) => p.startTicks !== null);
  } catch {
    return []; // a report is a bonus; the environment-marker sweep still finds them
  }
}

/** Undo of `target.prepare`: stop what the target started (its processes). */
export function prepareUndo(target: Target): UndoStep[] {
  const pids = trackedProcessesOf(target);
  if (pids.length > 0) return [{ type: 'stop-processes', pids }];
  return [{ type: 'none', why: `the ${target.kind} target reports no processes of its own` }];
}

/**
 * Undo of everything that may change the serving version: make sure the stable version serves. The
 * embedded demo lives and dies with the harness, so there is nothing to roll back after a crash;
 * any other target is rolled back by recover through its own adapter, built from the scenario.
 */
export function serveStableUndo(scenario: Scenario, target: Target): UndoStep[] {
  if (target.kind === 'embedded') {
    return [
      { type: 'none', why: 'the embedded demo runs inside the harness: it stops when the harness dies' },
    ];
  }
  return [
    {
      type: 'restore-target',
      target: { ...(scenario.target as Record<string, unknown>) },
      stableVersion: target.stableVersion,
    },
  ];
}

export function trafficUndo(): UndoStep[] {
  return [
    {
      type: 'none',
      why: 'traffic runs inside the harness (a load-generator process carries the run marker and is swept)',
    },
  ];
}

/**
 * Undo of `fault.inject`. A toxic on a Toxiproxy server of its own (toxiproxy.url) outlives the
 * harness: remove the toxic, and the proxy if the drill creates it — which is known by asking the
 * server, before injecting, whether the proxy exists. When that cannot be told, only the toxic is
 * owed: removing a proxy someone else owns would be damage of its own.
 */
export async function faultUndo(scenario: Scenario, fault: Fault): Promise<UndoStep[]> {
  const config = scenario.fault as { type: string } & Record<string, unknown>;
  if (config.type !== 'toxic') {
    return [{ type: 'none', why: `a ${fault.kind} fault is undone by making the stable version serve` }];
  }
  const toxic = toxicNames(config, fault);
  if (!toxic.apiUrl) {
    return [
      { type: 'none', why: 'the embedded Toxiproxy server runs inside the harness: its proxies die with it' },
    ];
  }
  const steps: UndoStep[] = [
    { type: 'remove-toxic', apiUrl: toxic.apiUrl, proxy: toxic.proxy, toxic: toxic.toxic },
  ];
  if ((await proxyExists(toxic.apiUrl, toxic.proxy)) === false) {
    steps.push({ type: 'remove-proxy', apiUrl: toxic.apiUrl, proxy: toxic.proxy });
  }
  return steps;
}

interface ToxicNames {
  readonly apiUrl: string | undefined;
  readonly proxy: string;
  readonly toxic: string;
}

function toxicNames(config: Record<string, unknown>, fault: Fault): ToxicNames {
  const proxy = record(config['proxy']);
  const toxic = record(config['toxic']);
  const described = record(record(fault.describe().details)['toxic']);
  const url = record(config['toxiproxy'])['url'];
  return {
    apiUrl: typeof url === 'string' ? url.replace(/\/+$/, '') : undefined,
    proxy: String(proxy['name'] ?? ''),
    toxic: String(
      described['name'] ??
        toxic['name'] ??
        `rollback-drill-${String(toxic['type'])}-${String(toxic['stream'])}`,
    ),
  };
}

/** true / false when the server said so; undefined when it could not be asked. */
export async function proxyExists(apiUrl: string, proxy: string): Promise<boolean | undefined> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 1 });
  try {
    const response = await request(`${apiUrl}/proxies/${encodeURIComponent(proxy)}`, {
      method: 'GET',
      dispatcher,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await response.body.dump();
    if (response.statusCode === 200) return true;
    if (response.statusCode === 404) return false;
    return undefined;
  } catch {
    return undefined;
  } finally {
    void dispatcher.close().catch(() => undefined);
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
