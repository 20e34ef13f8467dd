/**
 * Forking our own modules as child processes, the same way from sources and from dist/.
 * Under vitest and tsx the harness runs from `.ts` sources, which plain node cannot load, so the child
 * gets tsx as an import hook; a built harness (dist/*.js) forks with plain node. Every module that
 * forks one of ours goes through here so that rule lives in one place.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The absolute path of a sibling module to fork. `relativeJsPath` is written as the built name
 * (`./shop-process.js`); when the calling module is itself a `.ts` source, the `.ts` file is meant.
 */
export function resolveChildEntry(callerUrl: string, relativeJsPath: string): string {
  const runningFromSources = callerUrl.endsWith('.ts');
  const relative = runningFromSources ? relativeJsPath.replace(/\.js$/, '.ts') : relativeJsPath;
  return fileURLToPath(new URL(relative, callerUrl));
}

/** The node flags a child needs to run `entryPath`: the tsx hook for `.ts`, nothing for `.js`. */
export function execArgvFor(entryPath: string): string[] {
  if (!entryPath.endsWith('.ts')) return [];
  // An absolute URL, so the child finds tsx whatever its working directory is.
  const tsxLoader = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(tsxLoader).href];
}

/**
 * Forks `relativeJsPath` (resolved against `callerUrl`) with an IPC channel. The child's execArgv is
 * set explicitly so it never inherits the parent's (an inspector flag would make children collide).
 */
export function forkChildEntry(
  callerUrl: string,
  relativeJsPath: string,
  args: readonly string[] = [],
  options: Omit<ForkOptions, 'execArgv'> = {},
): ChildProcess {
  const entryPath = resolveChildEntry(callerUrl, relativeJsPath);
  return fork(entryPath, [...args], { ...options, execArgv: execArgvFor(entryPath) });
}
