/** Reading an intent record back: validated, and a truncated or foreign file is a problem, not a throw. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INTENTS_API_VERSION, intentsDocumentSchema, INTENTS_FILE, type IntentsDocument } from './intents.js';

export type IntentsReadResult =
  { readonly ok: true; readonly doc: IntentsDocument } | { readonly ok: false; readonly problem: string };

/** Reads and validates an intent record; a truncated or foreign file is a problem, not a throw. */
export async function readIntents(folder: string): Promise<IntentsReadResult> {
  const path = join(folder, INTENTS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, problem: `${path}: ${(error as Error).message}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: `${path}: not valid JSON (${text.length} bytes; truncated or corrupt)` };
  }
  const parsed = intentsDocumentSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: `${path}: not a ${INTENTS_API_VERSION} record (${issue?.path.join('.') || 'top'}: ${issue?.message ?? 'invalid'})`,
    };
  }
  return { ok: true, doc: parsed.data };
}
