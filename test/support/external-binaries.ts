/**
 * Tests that need a real server binary (prometheus, promtool, prometheus-pushgateway,
 * prometheus-alertmanager): on CI a missing binary is a failure; elsewhere the suite is skipped
 * and its title says why and how to install it.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

export const SERVER_PACKAGES: Readonly<Record<string, string>> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-pushgateway': 'prometheus-pushgateway',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  kubectl: 'kubernetes-client',
};

/** The binary's path on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface BinaryCheck {
  readonly available: boolean;
  readonly missing: readonly string[];
  /** Empty when available. */
  readonly reason: string;
}

export function checkBinaries(names: readonly string[]): BinaryCheck {
  const missing = names.filter((name) => !findBinary(name));
  const packages = [...new Set(missing.map((name) => SERVER_PACKAGES[name] ?? name))];
  return {
    available: missing.length === 0,
    missing,
    reason: missing.length
      ? `${missing.join(', ')} not on PATH (apt-get install -y --no-install-recommends ${packages.join(' ')})`
      : '',
  };
}

export function isCi(): boolean {
  return process.env['CI'] === 'true' || process.env['CI'] === '1';
}

/**
 * `describe` that runs only when the binaries exist. Missing on CI: one failing test naming them.
 * Missing elsewhere: the suite is skipped and its title carries the reason.
 */
export function describeWithServers(binaries: readonly string[], title: string, body: () => void): void {
  const check = checkBinaries(binaries);
  if (check.available) describe(title, body);
  else if (isCi())
    describe(title, () => {
      it('has the server binaries it needs', () => {
        throw new Error(`CI=true but ${check.reason}`);
      });
    });
  else describe.skip(`${title} [skipped: ${check.reason}]`, body);
}
