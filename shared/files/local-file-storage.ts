/**
 * Files in a local folder (`UPLOAD_DIR`, the default): the key is the path below it. Bytes are
 * written chunk by chunk to a temporary name beside the target, flushed, then renamed, so a file
 * is never seen half-written and a 200 MB AS2 body is never held in memory. Folders 0700,
 * files 0600: readable by the server's user only. Node only (`node:fs`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { checkFileKey, chunksOf, FileMissingError, FileTooLargeError, type FileStorage, type StoredObject } from './file-storage.ts';

const writeBytes = 1024 * 1024;

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** fsync of a folder: makes the names created or renamed in it durable. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class LocalFileStorage implements FileStorage {
  readonly root: string;
  readonly description: string;
  // Folders made by this process (one per organisation, one per month): mkdir per message showed in the profile.
  private readonly madeFolders = new Set<string>();

  constructor(dir: string) {
    this.root = resolve(dir);
    this.description = `local folder ${this.root}`;
  }

  /** The absolute path of a key (checked: it stays below the folder). */
  pathOf(key: string): string {
    const path = resolve(this.root, checkFileKey(key));
    if (!path.startsWith(this.root + sep)) throw new Error(`storage key ${key} leaves the upload folder`);
    return path;
  }

  private async ensureFolder(folder: string, again = false): Promise<void> {
    if (!again && this.madeFolders.has(folder)) return;
    const created = await mkdir(folder, { recursive: true, mode: 0o700 });
    // New folders are names in their parents: flushed too, from the first one made down to the folder's parent.
    if (created) {
      const parents: string[] = [];
      for (let d = dirname(folder); d.length >= dirname(created).length && d !== dirname(d); d = dirname(d)) parents.unshift(d);
      for (const d of parents) await syncFolder(d);
    }
    this.madeFolders.add(folder);
  }

  async put(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, options: { maxBytes?: number } = {}): Promise<StoredObject> {
    const path = this.pathOf(key);
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const folder = dirname(path);
    const temp = join(folder, `.${randomBytes(8).toString('hex')}.part`);
    await this.ensureFolder(folder);
    // The folder may have gone away under us (an operator moved old months): make it again.
    const handle = await open(temp, 'wx', 0o600).catch(async (e: unknown) => {
      if (!isMissing(e)) throw e;
      await this.ensureFolder(folder, true);
      return open(temp, 'wx', 0o600);
    });
    const hash = createHash('sha256');
    let sizeBytes = 0;
    try {
      try {
        // Small chunks (a socket's, a decipher's) are gathered into writes of 1 MiB: a write per chunk showed in the profile.
        const pending = Buffer.allocUnsafe(writeBytes);
        let filled = 0;
        for await (const chunk of chunksOf(body)) {
          sizeBytes += chunk.length;
          if (sizeBytes > maxBytes) throw new FileTooLargeError(maxBytes);
          hash.update(chunk);
          if (filled === 0 && chunk.length >= writeBytes) {
            await handle.write(chunk);
            continue;
          }
          for (let at = 0; at < chunk.length; ) {
            const n = Math.min(chunk.length - at, writeBytes - filled);
            pending.set(chunk.subarray(at, at + n), filled);
            filled += n;
            at += n;
            if (filled === writeBytes) {
              await handle.write(pending, 0, filled);
              filled = 0;
            }
          }
        }
        if (filled > 0) await handle.write(pending, 0, filled);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
      // The rename is durable only once the folder is flushed: callers write the row naming the
      // key (and the AS2 receiver signs its MDN) as soon as put resolves.
      await syncFolder(folder);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return { key, sha256: hash.digest('hex'), sizeBytes };
  }

  async get(key: string, options: { length?: number } = {}): Promise<Uint8Array> {
    const path = this.pathOf(key);
    try {
      if (options.length === undefined) return new Uint8Array(await readFile(path));
      const handle = await open(path, 'r');
      try {
        const head = new Uint8Array(options.length);
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        return head.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (e) {
      if (isMissing(e)) throw new FileMissingError(key, this.description);
      throw e;
    }
  }

  async read(key: string): Promise<AsyncIterable<Uint8Array>> {
    const path = this.pathOf(key);
    // Opened here, so a missing file is refused before the caller reads: chunks of 1 MiB.
    const handle = await open(path, 'r').catch((e: unknown) => {
      throw isMissing(e) ? new FileMissingError(key, this.description) : e;
    });
    return handle.createReadStream({ highWaterMark: 1024 * 1024 });
  }

  async head(key: string): Promise<{ sizeBytes: number } | null> {
    try {
      return { sizeBytes: (await stat(this.pathOf(key))).size };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
