/**
 * A large AS2 body (from as2/unwrap-stream.ts's streamedUnwrapBytes on) is unwrapped as it
 * streams back from the file storage, and its payload is stored beside it (`.payload` next to
 * `.raw`) as it appears: a 1 GiB message is never held whole. Undefined for a smaller body, or
 * for one whose shape only the in-memory unwrap decides (then nothing was stored).
 */
import { streamedUnwrapBytes, unwrapAs2Stream, type HeaderList, type UnwrapOptions } from '../../as2/index.ts';
import type { FileStorage } from '../../files/file-storage.ts';
import type { StoredBytes } from './as2-files.ts';

export async function unwrapLargeAs2(files: FileStorage, headers: HeaderList, raw: StoredBytes, options: UnwrapOptions) {
  if (raw.sizeBytes < streamedUnwrapBytes) return undefined;
  const payloadKey = raw.storageKey.replace(/\.raw$/, '.payload');
  return unwrapAs2Stream(headers, await files.read(raw.storageKey), options, {
    put: (chunks) => files.put(payloadKey, chunks),
    discard: (file) => files.delete(file.key),
  });
}
