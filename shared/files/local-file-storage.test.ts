// Durability of the local folder, seen through the file-system calls it makes (a crash cannot be
// staged in a unit test): a put answers only once the bytes AND the name they are under are on
// disk. The AS2 receiver sends its MDN, and every caller writes the database row naming the
// key, right after put resolves; a rename that is not yet durable can leave, after a power cut,
// a row (and a signed receipt) for a file that is only a hidden temporary one.
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../tests/support/server.ts';
import { LocalFileStorage } from './local-file-storage.ts';

const calls = vi.hoisted(() => [] as string[]);

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        calls.push(`sync ${String(args[0])}`);
        return sync();
      };
      return handle;
    },
    rename: async (from: string, to: string) => {
      calls.push(`rename ${to}`);
      return fs.rename(from, to);
    },
  };
});

describe('local folder: durability of a put', () => {
  const folder = tempDir('lotbridge-durable-');
  afterAll(() => folder.remove());

  it('flushes the file, renames it into place, then flushes the folder that holds the name', async () => {
    const files = new LocalFileStorage(folder.dir);
    const as2 = join(folder.dir, 'as2');
    const month = join(as2, '2026-12');
    const seen = () => calls.splice(0).map((c) => c.replace(/\.[0-9a-f]{16}\.part$/, '<temp>'));
    await files.put('as2/2026-12/as2m_durable.raw', new Uint8Array([1, 2, 3]));
    // The first file of a month also makes its folders: each new name is flushed in its parent.
    expect(seen()).toEqual([`sync ${folder.dir}`, `sync ${as2}`, `sync ${month}/<temp>`, `rename ${join(month, 'as2m_durable.raw')}`, `sync ${month}`]);
    await files.put('as2/2026-12/as2m_next.raw', new Uint8Array([4]));
    expect(seen()).toEqual([`sync ${month}/<temp>`, `rename ${join(month, 'as2m_next.raw')}`, `sync ${month}`]);
  });
});
