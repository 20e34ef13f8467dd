/**
 * Follows a file another process is appending lines to (k6's `--out json=FILE`): each read returns
 * the complete lines added since the last one and keeps a partial last line for next time. A file
 * that does not exist yet reads as nothing. Reads are bounded, so a burst never holds the event loop.
 */
import { open, type FileHandle } from 'node:fs/promises';

const READ_CHUNK_BYTES = 1024 * 1024;

export class LineTail {
  private handle: FileHandle | undefined;
  private position = 0;
  private partial = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly path: string) {}

  /** The complete lines appended since the last read (at most ~1 MiB of them per call). */
  async read(): Promise<string[]> {
    return (await this.readChunk()).lines;
  }

  private async readChunk(): Promise<{ lines: string[]; bytes: number }> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], bytes: 0 };
        throw error;
      }
    }
    const buffer = Buffer.alloc(READ_CHUNK_BYTES);
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.position);
    if (bytesRead === 0) return { lines: [], bytes: 0 };
    this.position += bytesRead;
    const text = this.partial + this.decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return { lines, bytes: bytesRead };
  }

  /** Everything left, including a last line without its newline. */
  async readRest(): Promise<string[]> {
    const lines: string[] = [];
    for (let chunk = await this.readChunk(); chunk.bytes > 0; chunk = await this.readChunk())
      lines.push(...chunk.lines);
    const last = this.partial + this.decoder.decode();
    this.partial = '';
    if (last.trim()) lines.push(last);
    return lines;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
