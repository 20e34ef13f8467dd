/**
 * The `embedded` target: the demo shop run by the harness itself. Payments, a blue-green router and
 * one child process per version, all on loopback. A deploy starts the candidate next to the stable
 * version and switches the router to it with no readiness gate, like a careless pipeline would: a
 * release that crashes on start is switched to anyway and serves 502s. That is the drill.
 */
import { Agent } from 'undici';
import type { AdapterContext } from '../core/adapter-context.js';
import { SystemClock, type Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { startPaymentsProcess, startShopProcess, ProcessSlot } from '../demo/launch.js';
import { describeStartOutcome, type ChildStartOutcome, type ManagedChild } from '../demo/managed-child.js';
import { describeRelease, findRelease, knownDemoVersions } from '../demo/releases.js';
import { BlueGreenRouter } from '../demo/router.js';
import type { EmbeddedTargetConfig } from '../scenario/schema/targets.js';
import { paymentsUrlForDeploy } from './embedded-dependencies.js';
import { describeProbe, pollUntil, probeJson, versionIn, type ProbeResult } from './embedded-probe.js';
import type { DeployOptions, RollbackConfirmation, Target, TargetHealth } from './port.js';

/** `dependencies.payments` (the port's way) or `paymentsUrl` routes the candidate's payments calls. */
export interface EmbeddedDeployOptions extends DeployOptions {
  /** Where this version's checkout calls payments (e.g. through a fault proxy); default: the target's. */
  readonly paymentsUrl?: URL;
}

/** The embedded target, plus what other adapters (a network fault, tests) need to reach into it. */
export interface EmbeddedTarget extends Target {
  deploy(version: string, ctx: AdapterContext, options?: EmbeddedDeployOptions): ReturnType<Target['deploy']>;
  /** Where the payments dependency itself listens (put a fault proxy in front of it); set by prepare. */
  paymentsAddress(): URL | undefined;
  /** Where a named dependency listens: `payments` once prepared; undefined for any other name. */
  dependencyAddress(name: string): URL | undefined;
  /** The router's URL; set by prepare. */
  routerUrl(): URL | undefined;
  /** Every child process this target started that has not exited yet, e.g. `shop 1.4.2`, `payments`. */
  liveProcesses(): { readonly label: string; readonly pid: number }[];
}

const STABLE_SLOT = 'blue';
const CANDIDATE_SLOT = 'green';

export function createEmbeddedTarget(config: EmbeddedTargetConfig): EmbeddedTarget {
  return new EmbeddedDemoTarget(config);
}

/** What prepare built; deploy, rollback and the probes need all of it. */
interface Prepared {
  readonly router: BlueGreenRouter;
  readonly paymentsAddress: URL;
  stable: ProcessSlot;
  candidate: ProcessSlot | undefined;
}

class EmbeddedDemoTarget implements EmbeddedTarget {
  readonly kind = 'embedded';
  readonly stableVersion: string;
  private prepared: Prepared | undefined;
  // Everything started is registered the moment it exists, so dispose() stops it whatever failed next.
  private readonly children = new Set<ManagedChild>();
  private router: BlueGreenRouter | undefined;
  // A dedicated pool for probes, closed by dispose, so no keep-alive socket outlives the target.
  private readonly probes = new Agent({ keepAliveTimeout: 2_000, connections: 4 });
  // dispose() has no context; it uses the clock of the last call that had one.
  private clock: Clock = new SystemClock();
  private disposing: Promise<void> | undefined;

  constructor(private readonly config: EmbeddedTargetConfig) {
    this.stableVersion = config.stableVersion;
  }

  async prepare(ctx: AdapterContext): Promise<{ readonly baseUrl: URL }> {
    this.clock = ctx.clock;
    this.assertNotDisposed();
    if (this.prepared) return { baseUrl: this.prepared.router.url };
    if (this.router) throw new Error('the embedded target is already being prepared');

    this.router = await BlueGreenRouter.start({ port: this.config.routerPort });
    const router = this.router;
    const payments = this.track(startPaymentsProcess({ port: this.config.paymentsPort }));
    const paymentsPort = await this.awaitListening(payments, ctx);
    const paymentsAddress = new URL(`http://127.0.0.1:${paymentsPort}`);
    ctx.log(`payments listening on ${paymentsAddress.host}`);

    const stable = await this.startSlot(
      STABLE_SLOT,
      this.stableVersion,
      ctx,
      this.shopPaymentsUrl(paymentsAddress),
    );
    if (stable.port === undefined) {
      throw new Error(`stable version ${this.stableVersion} did not start: ${stable.whyNotListening()}`);
    }
    router.switchTo(stable);
    this.prepared = { router, paymentsAddress, stable, candidate: undefined };
    await this.awaitStableServing(ctx, this.config.startTimeout);
    ctx.log(`router on ${router.url.host} serves ${this.stableVersion}`);
    return { baseUrl: router.url };
  }

  async deploy(
    version: string,
    ctx: AdapterContext,
    options: EmbeddedDeployOptions = {},
  ): ReturnType<Target['deploy']> {
    this.clock = ctx.clock;
    const running = this.requirePrepared('deploy');
    if (!findRelease(version)) {
      throw new UserError(
        `the demo shop has no version ${version}; known versions: ${knownDemoVersions().join(', ')}`,
      );
    }
    ctx.log(`deploying ${describeRelease(version)}`);
    const paymentsUrl = paymentsUrlForDeploy(options, this.shopPaymentsUrl(running.paymentsAddress));
    const candidate = await this.startSlot(CANDIDATE_SLOT, version, ctx, paymentsUrl);
    this.assertNotDisposed();
    const replaced = running.candidate;
    running.candidate = candidate;
    // No readiness gate: listening, crashed or still starting, the candidate gets the traffic now.
    running.router.switchTo(candidate);
    const servingAtMs = ctx.clock.now();
    ctx.log(
      candidate.port === undefined
        ? `switched to ${version}, which is not listening: ${candidate.whyNotListening()}`
        : `switched to ${version}`,
    );
    if (replaced) await this.retire(replaced);
    return {
      servingAtMs,
      observation: { method: 'router switch observed in-process', resolutionSeconds: 0.001 },
    };
  }

  async rollback(ctx: AdapterContext): Promise<RollbackConfirmation> {
    this.clock = ctx.clock;
    const running = this.requirePrepared('roll back');
    if (running.stable.child.hasExited) await this.restartStable(running, ctx);
    running.router.switchTo(running.stable);
    const completedAtMs = await this.awaitStableServing(ctx);
    const intervalMs = this.config.healthPollInterval;
    const confirmation: RollbackConfirmation = {
      completedAtMs,
      version: this.stableVersion,
      observation: {
        method: `polled router /healthz every ${intervalMs} ms`,
        resolutionSeconds: intervalMs / 1000,
      },
    };
    const candidate = running.candidate;
    running.candidate = undefined;
    if (candidate) await this.retire(candidate);
    return confirmation;
  }

  async currentVersion(ctx: AdapterContext): Promise<string | undefined> {
    const running = this.requirePrepared('read the version');
    const result = await probeJson(
      this.probes,
      new URL('/version', running.router.url),
      ctx.clock,
      ctx.signal,
    );
    return result.ok && result.status === 200 ? versionIn(result.body) : undefined;
  }

  async health(ctx: AdapterContext): Promise<TargetHealth> {
    const running = this.requirePrepared('check health');
    const result = await probeJson(
      this.probes,
      new URL('/healthz', running.router.url),
      ctx.clock,
      ctx.signal,
    );
    // A dead backend has no body to ask; the router still says which version it routes to.
    const version = result.ok ? (versionIn(result.body) ?? result.routedTo) : undefined;
    const healthy = result.ok && result.status === 200;
    return {
      healthy,
      ...(version === undefined ? {} : { version }),
      ...(healthy ? {} : { detail: describeProbe(result) }),
    };
  }

  paymentsAddress(): URL | undefined {
    return this.prepared?.paymentsAddress;
  }

  dependencyAddress(name: string): URL | undefined {
    return name === 'payments' ? this.paymentsAddress() : undefined;
  }

  routerUrl(): URL | undefined {
    return this.prepared?.router.url;
  }

  liveProcesses(): { readonly label: string; readonly pid: number }[] {
    return [...this.children]
      .filter((child) => !child.hasExited)
      .map((child) => ({ label: child.label, pid: child.pid }));
  }

  dispose(): Promise<void> {
    this.disposing ??= this.stopEverything();
    return this.disposing;
  }

  private async stopEverything(): Promise<void> {
    const router = this.router;
    this.prepared = undefined;
    // Children are stopped even when closing the router fails: no process may be left behind.
    const results = await Promise.allSettled([
      router?.close(),
      ...[...this.children].map((child) => child.stop(this.clock)),
      this.probes.close(),
    ]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Where shop processes call payments: the configured URL (e.g. a fault proxy) or payments itself. */
  private shopPaymentsUrl(paymentsAddress: URL): URL {
    return this.config.paymentsUrl ? new URL(this.config.paymentsUrl) : paymentsAddress;
  }

  /** Starts `version` in a new process; resolves once it listens, exits or the start timeout passes. */
  private async startSlot(
    name: string,
    version: string,
    ctx: AdapterContext,
    paymentsUrl: URL,
  ): Promise<ProcessSlot> {
    this.assertNotDisposed();
    const child = this.track(startShopProcess(version, { paymentsUrl }));
    await this.awaitStart(child, ctx);
    return new ProcessSlot(name, version, child);
  }

  private async awaitListening(child: ManagedChild, ctx: AdapterContext): Promise<number> {
    const outcome = await this.awaitStart(child, ctx);
    if (outcome.kind === 'listening') return outcome.port;
    throw new Error(`${child.label} did not start: ${describeStartOutcome(outcome, child)}`);
  }

  /** Waits for a start; when the drill is aborted meanwhile, stops the child before giving up. */
  private async awaitStart(child: ManagedChild, ctx: AdapterContext): Promise<ChildStartOutcome> {
    try {
      return await child.waitForStart(ctx.clock, this.config.startTimeout, ctx.signal);
    } catch (error) {
      await child.stop(ctx.clock);
      throw error;
    }
  }

  /** Starts the stable version again (it died) and routes to it; throws when it cannot listen. */
  private async restartStable(running: Prepared, ctx: AdapterContext): Promise<void> {
    ctx.log(`stable version ${this.stableVersion} had exited; starting it again`);
    const dead = running.stable;
    const paymentsUrl = this.shopPaymentsUrl(running.paymentsAddress);
    const restarted = await this.startSlot(STABLE_SLOT, this.stableVersion, ctx, paymentsUrl);
    this.assertNotDisposed();
    running.stable = restarted;
    if (running.router.activeSlot === dead) running.router.switchTo(restarted);
    running.router.forget(dead);
    if (restarted.port === undefined) {
      throw new Error(`${this.stableVersion} could not be restarted: ${restarted.whyNotListening()}`);
    }
  }

  /**
   * Polls /healthz through the router until the stable version answers 200; returns when it did.
   * A stable process that dies meanwhile (even one killed a moment before, whose exit was not yet
   * seen) is restarted, so waiting never outlasts the process it waits for.
   */
  private async awaitStableServing(ctx: AdapterContext, timeoutMs?: number): Promise<number> {
    const running = this.requirePrepared('poll health');
    const healthUrl = new URL('/healthz', running.router.url);
    let last: ProbeResult | undefined;
    const { observedAtMs } = await pollUntil(
      async () => {
        if (running.stable.child.hasExited) await this.restartStable(running, ctx);
        last = await probeJson(this.probes, healthUrl, ctx.clock, ctx.signal);
        const servesStable = last.ok && last.status === 200 && versionIn(last.body) === this.stableVersion;
        return servesStable ? true : undefined;
      },
      {
        clock: ctx.clock,
        intervalMs: this.config.healthPollInterval,
        signal: ctx.signal,
        waitingFor: `${this.stableVersion} to answer /healthz through the router`,
        lastMiss: () => (last ? describeProbe(last) : 'no answer yet'),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      },
    );
    return observedAtMs;
  }

  /** Takes a slot out of service for good: stops its process and drops the router's pool to it. */
  private async retire(slot: ProcessSlot): Promise<void> {
    await slot.child.stop(this.clock);
    this.router?.forget(slot);
  }

  private track(child: ManagedChild): ManagedChild {
    this.children.add(child);
    void child.exited.then(() => this.children.delete(child));
    return child;
  }

  private requirePrepared(action: string): Prepared {
    this.assertNotDisposed();
    if (!this.prepared) throw new Error(`cannot ${action}: the embedded target was not prepared`);
    return this.prepared;
  }

  private assertNotDisposed(): void {
    if (this.disposing) throw new Error('the embedded target was disposed');
  }
}
