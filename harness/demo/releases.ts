/**
 * The demo shop's releases as data: what each version does wrong (if anything). The shop process
 * reads its behaviour from here, scenarios are validated against it and reports describe versions
 * with it, so a new bad release is one new entry.
 */

export interface ReleaseBehaviour {
  readonly version: string;
  /** A stable release is a sensible rollback target. */
  readonly stable: boolean;
  /** One line for reports and error messages. */
  readonly summary: string;
  /** POST /api/checkout answers 500 for `failures` of every `outOf` requests, deterministically. */
  readonly checkoutFailures?: { readonly failures: number; readonly outOf: number };
  /** Added to every /api/* response, in ms. */
  readonly addedLatencyMs?: number;
  /** The process exits with code 1 this long after start, before it listens. */
  readonly crashAfterMs?: number;
}

const RELEASES: readonly ReleaseBehaviour[] = [
  { version: '1.4.1', stable: true, summary: 'stable release' },
  { version: '1.4.2', stable: true, summary: 'stable release' },
  {
    version: '1.5.0-errors',
    stable: false,
    summary: 'POST /api/checkout fails with 500 for 60% of requests',
    checkoutFailures: { failures: 6, outOf: 10 },
  },
  {
    version: '1.5.0-slow',
    stable: false,
    summary: 'every /api/* response is 250 ms slower',
    addedLatencyMs: 250,
  },
  {
    version: '1.5.0-crash',
    stable: false,
    summary: 'the process exits with code 1 about 100 ms after start, before it listens',
    crashAfterMs: 100,
  },
  {
    // The candidate of the network-fault drills: its code is 1.4.2's, its config is new — it calls
    // payments through the new proxy route it is deployed with (a service-mesh sidecar, say). When
    // that route is faulty, rolling this release back is the remediation.
    version: '1.5.0-mesh',
    stable: false,
    summary: 'behaves like 1.4.2, but calls payments through the new route it is deployed with',
  },
];

const BY_VERSION = new Map(RELEASES.map((release) => [release.version, release]));

/** Every version the demo shop can run, in catalogue order. */
export function knownDemoVersions(): string[] {
  return RELEASES.map((release) => release.version);
}

/** The versions a rollback may restore. */
export function stableDemoVersions(): string[] {
  return RELEASES.filter((release) => release.stable).map((release) => release.version);
}

export function findRelease(version: string): ReleaseBehaviour | undefined {
  return BY_VERSION.get(version);
}

/** "1.5.0-errors: POST /api/checkout fails with 500 for 60% of requests"; unknown versions say so. */
export function describeRelease(version: string): string {
  const release = BY_VERSION.get(version);
  return release ? `${version}: ${release.summary}` : `${version}: not a demo shop version`;
}

/**
 * Whether checkout request number `index` (0-based, per process) fails. Failures are spread evenly
 * (a Bresenham pattern) rather than bunched, and every aligned run of `outOf` requests holds exactly
 * `failures` of them, so a drill sees the same ratio every second it runs.
 */
export function checkoutFails(release: ReleaseBehaviour, index: number): boolean {
  const plan = release.checkoutFailures;
  if (!plan) return false;
  const position = index % plan.outOf;
  return (
    Math.floor(((position + 1) * plan.failures) / plan.outOf) >
    Math.floor((position * plan.failures) / plan.outOf)
  );
}
