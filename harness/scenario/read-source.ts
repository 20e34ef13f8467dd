/**
 * Reads a scenario file's text. Every way reading can fail because of the path given (missing,
 * a directory, no permission, not text) becomes a ScenarioError naming the path, never a stack.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ScenarioError } from '../core/errors.js';

export type ReadFileBytes = (file: string) => Promise<Uint8Array>;

const READ_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file: expected a scenario YAML file',
  EACCES: 'permission denied: cannot read the file',
  EPERM: 'permission denied: cannot read the file',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ELOOP: 'too many symbolic links in the path',
  ENAMETOOLONG: 'the path is too long',
};

/** The file's text (UTF-8, a leading byte-order mark dropped). */
export async function readScenarioText(file: string, readFile: ReadFileBytes = fsReadFile): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new ScenarioError([{ file, path: '', message: readProblem(file, error) }]);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ScenarioError([
      { file, path: '', message: 'the file is not UTF-8 text: expected a scenario YAML file' },
    ]);
  }
}

function readProblem(file: string, error: unknown): string {
  const code = errorCode(error);
  if (code === undefined) throw error; // not an I/O failure: a bug, reported with its stack
  let problem = READ_PROBLEMS[code] ?? `cannot read the file (${code})`;
  // A relative path is resolved against the working directory, which is often the surprise.
  if (code === 'ENOENT' && !isAbsolute(file)) problem += ` (looked for ${resolve(file)})`;
  return problem;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
