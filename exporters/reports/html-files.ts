/**
 * Writes report.html and junit.xml into a run's folder, beside run.json and report.md. Call it
 * before saveRun (run.json appearing is the signal that a run folder is complete). It never throws:
 * a report that cannot be rendered or written must not cost the run its record, so problems are
 * returned for the caller to print. Secrets are redacted from the record *before* rendering (an
 * escaped secret, `&` → `&amp;`, would no longer match its registered value) and from the text after.
 */
import { join } from 'node:path';
import { secrets, type SecretRedactor } from '../../harness/core/secrets.js';
import { writeFileAtomic } from '../../harness/store/atomic-write.js';
import { redactDeep } from '../../harness/store/redact-record.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import { renderHtmlReport } from './html.js';
import { renderJunit } from './junit.js';

export const HTML_REPORT_FILE = 'report.html';
export const JUNIT_REPORT_FILE = 'junit.xml';

export interface ExtraReportsResult {
  /** Paths written. */
  readonly written: readonly string[];
  /** One line per file that could not be rendered or written. */
  readonly problems: readonly string[];
}

export async function writeExtraReports(
  folder: string,
  record: RunRecord,
  redactor: SecretRedactor = secrets,
): Promise<ExtraReportsResult> {
  const written: string[] = [];
  const problems: string[] = [];
  const safe = redactDeep(record, redactor);
  const outputs: [string, () => string][] = [
    [HTML_REPORT_FILE, () => renderHtmlReport(safe)],
    [JUNIT_REPORT_FILE, () => renderJunit([safe])],
  ];
  for (const [file, render] of outputs) {
    const path = join(folder, file);
    try {
      await writeFileAtomic(path, redactor.redact(render()));
      written.push(path);
    } catch (error) {
      problems.push(`${file} was not written: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { written, problems };
}
