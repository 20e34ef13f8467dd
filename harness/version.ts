import { readFileSync } from 'node:fs';

/** The harness version from package.json (recorded in every run record). */
export function harnessVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (parsed.name === 'rollback-drill' && parsed.version) return parsed.version;
    } catch {
      // try the next location: sources run from harness/, the build from dist/harness/
    }
  }
  return '0.0.0-unknown';
}
