/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * half-written file: temp file in the same folder (so the rename cannot cross filesystems), fsync,
 * rename, fsync the folder (so the rename itself survives a power loss). Whatever fails, the temp
 * file is removed; a writer killed mid-write leaves `.<name>.<pid>.<hex>.tmp`, which `recover`
 * removes once that pid is gone (TEMP_FILE_PATTERN).
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The temp files this module writes; group 1 is the writer's pid. */
export const TEMP_FILE_PATTERN = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;

export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const folder = dirname(path);
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(folder);
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}
