/**
 * Finding the k6 program. A missing k6 is the user's environment, not a bug: a UserError with what to
 * do, raised when the traffic adapter is created — before the target is touched or any fault injected.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

export const K6_INSTALL_HELP = 'https://grafana.com/docs/k6/latest/set-up/install-k6/';

/** The absolute path of `binary` (a name looked up on PATH, or a path); throws UserError when absent. */
export function findK6(binary: string, env: NodeJS.ProcessEnv = process.env): string {
  const found = binary.includes('/') ? executable(resolve(binary)) : searchPath(binary, env.PATH ?? '');
  if (found) return found;
  const where = binary.includes('/') ? `at ${resolve(binary)}` : `on PATH (${env.PATH ?? 'PATH is not set'})`;
  throw new UserError(
    `traffic.type k6: the k6 program "${binary}" was not found ${where}.\n` +
      `  Install k6 (${K6_INSTALL_HELP}) or set traffic.binary to its path;\n` +
      '  or run the drill with traffic.type: builtin;\n' +
      '  or write the k6 script and run k6 yourself (k6-operator, k6 Cloud): rollback-drill k6 FILE -o script.js',
  );
}

function searchPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue; // a relative PATH entry would depend on where we run
    const candidate = executable(join(dir, name));
    if (candidate) return candidate;
  }
  return undefined;
}

function executable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}
