/**
 * Writes the dashboards to dashboards/generated (`npm run gen:dashboards`), or with `--check` only
 * says whether the committed files match the sources (exit 1 when they do not). Files there that no
 * dashboard produces any more are removed, so a renamed dashboard leaves nothing behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGENERATE_COMMAND, renderDashboards } from './render.js';

const PACKAGE_NAME = 'rollback-drill';

/**
 * The repository root: the nearest folder above this module whose package.json is this project's
 * (works from dist/ too, even if dist/ gets a package.json of its own).
 */
export function repositoryRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}`);
  }
}

export const GENERATED_DIR = join('dashboards', 'generated');

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Names of files that differ from the sources, are missing, or should not be there. */
export async function staleFiles(dir: string): Promise<string[]> {
  const files = renderDashboards();
  const stale: string[] = [];
  for (const file of files)
    if ((await readIfPresent(join(dir, file.name))) !== file.text) stale.push(file.name);
  const present = existsSync(dir) ? await readdir(dir) : [];
  for (const name of present)
    if (name.endsWith('.json') && !files.some((f) => f.name === name)) stale.push(name);
  return stale;
}

async function main(argv: readonly string[]): Promise<number> {
  const dir = join(repositoryRoot(), GENERATED_DIR);
  if (argv.includes('--check')) {
    const stale = await staleFiles(dir);
    if (stale.length === 0) return 0;
    console.error(`stale dashboards in ${GENERATED_DIR}: ${stale.join(', ')}; run \`${REGENERATE_COMMAND}\``);
    return 1;
  }
  await mkdir(dir, { recursive: true });
  const files = renderDashboards();
  for (const file of files) await writeFile(join(dir, file.name), file.text);
  for (const name of await readdir(dir))
    if (name.endsWith('.json') && !files.some((f) => f.name === name)) await rm(join(dir, name));
  console.error(`wrote ${files.map((f) => join(GENERATED_DIR, f.name)).join(', ')}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
