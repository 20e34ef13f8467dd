/** Where the CLI writes and how it reports its exit code; injectable so commands are tested without a process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
  /** Whether stderr is a terminal (live progress) or a pipe/CI log (plain lines). */
  readonly stderrIsTTY: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  setExitCode: (code) => void (process.exitCode = code),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};
