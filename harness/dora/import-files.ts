/**
 * Reads event files (JSON or CSV, by extension, else by the first character) into one batch. Every
 * problem in every file is reported at once, as a ScenarioError (exit code 2), so a user fixes a
 * file in one pass rather than one error per run.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ScenarioError, UserError, type ScenarioIssue } from '../core/errors.js';
import type { DeploymentEvent, DoraEvents, IncidentEvent } from './events.js';
import { csvToEvents } from './import-csv.js';
import { jsonToEvents, type ImportResult } from './import-json.js';

export type EventFileFormat = 'json' | 'csv';

export function eventFileFormat(file: string, text: string): EventFileFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  return /^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'csv';
}

/** Pure: one file's text → its events or its problems. */
export function parseEventFile(text: string, file: string): ImportResult {
  return eventFileFormat(file, text) === 'json' ? jsonToEvents(text, file) : csvToEvents(text, file);
}

export async function readDoraEventFiles(files: readonly string[]): Promise<DoraEvents> {
  const issues: ScenarioIssue[] = [];
  const deployments: DeploymentEvent[] = [];
  const incidents: IncidentEvent[] = [];
  const seen = { deployment: new Map<string, string>(), incident: new Map<string, string>() };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(
        code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${code ?? String(error)})`,
      );
    }
    const result = parseEventFile(text, file);
    if (!result.ok) {
      issues.push(...result.issues);
      continue;
    }
    const crossFile = (word: 'deployment' | 'incident', id: string): void => {
      const earlier = seen[word].get(id);
      if (earlier && earlier !== file)
        issues.push({
          file,
          path: 'id',
          message: `${word} id "${id}" is also in ${earlier}; import one of them`,
        });
      seen[word].set(id, file);
    };
    for (const deployment of result.events.deployments) crossFile('deployment', deployment.id);
    for (const incident of result.events.incidents) crossFile('incident', incident.id);
    deployments.push(...result.events.deployments);
    incidents.push(...result.events.incidents);
  }
  if (issues.length) throw new ScenarioError(issues);
  return { deployments, incidents };
}
