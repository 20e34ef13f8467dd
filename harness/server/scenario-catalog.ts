/**
 * The scenarios the daemon may run: every drill file (*.yaml, *.yml) directly in the scenarios
 * directory, addressed by its `metadata.name`. Clients name a scenario, never a path, so the API
 * cannot be used to read or run arbitrary files. The folder is re-read on every lookup (a handful
 * of small files), so edits take effect without a restart.
 *
 * Files whose `kind` is something else (a game-day file, a schedules file) are not drills and are
 * left out quietly; drill files that do not validate are listed as problems.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../core/errors.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/model.js';

export interface CatalogEntry {
  readonly name: string;
  /** File name inside the scenarios directory. */
  readonly fileName: string;
  /** Absolute path. */
  readonly file: string;
  /** As recorded in run.json: relative to the working folder when inside it, else absolute. */
  readonly displayFile: string;
  readonly scenario: Scenario;
}

export interface CatalogProblem {
  readonly fileName: string;
  readonly message: string;
}

export interface ScenarioCatalog {
  readonly dir: string;
  readonly entries: readonly CatalogEntry[];
  readonly problems: readonly CatalogProblem[];
}

export type CatalogLookup =
  | { readonly found: true; readonly entry: CatalogEntry }
  | { readonly found: false; readonly status: 404 | 409; readonly error: string };

export async function loadScenarioCatalog(dir: string): Promise<ScenarioCatalog> {
  const absolute = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(absolute, { withFileTypes: true }))
      .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw new UserError(
      `cannot read the scenarios directory ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const entries: CatalogEntry[] = [];
  const problems: CatalogProblem[] = [];
  for (const fileName of names) {
    const file = join(absolute, fileName);
    if (!(await looksLikeDrill(file))) continue;
    try {
      const { scenario } = await loadScenarioFile(file);
      entries.push({
        name: scenario.metadata.name,
        fileName,
        file,
        displayFile: displayPath(file),
        scenario,
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push({ fileName, message: error.message.replaceAll(absolute + '/', '') });
    }
  }
  for (const [name, files] of duplicates(entries))
    problems.push({
      fileName: files.join(', '),
      message: `scenario name "${name}" is defined in ${files.length} files (${files.join(', ')}); it cannot be started until one is renamed`,
    });
  return { dir: absolute, entries, problems };
}

export function findScenario(catalog: ScenarioCatalog, name: string): CatalogLookup {
  const matches = catalog.entries.filter((e) => e.name === name);
  const [entry] = matches;
  if (matches.length === 1 && entry) return { found: true, entry };
  if (matches.length > 1)
    return {
      found: false,
      status: 409,
      error: `scenario "${name}" is defined in ${matches.length} files (${matches.map((m) => m.fileName).join(', ')})`,
    };
  const hint = catalog.problems.length
    ? ` (${catalog.problems.length} file(s) there do not validate: see GET /api/scenarios)`
    : '';
  return { found: false, status: 404, error: `no scenario named "${name}" in ${catalog.dir}${hint}` };
}

/** A file with another `kind:` is some other document; anything unparsable is for the loader to judge. */
async function looksLikeDrill(file: string): Promise<boolean> {
  try {
    const data: unknown = parseYaml(await readFile(file, 'utf8'));
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return true;
    const kind = (data as Record<string, unknown>)['kind'];
    return kind === undefined || kind === 'Drill';
  } catch {
    return true;
  }
}

function duplicates(entries: readonly CatalogEntry[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const entry of entries) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry.fileName]);
  return new Map([...byName].filter(([, files]) => files.length > 1));
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}
