/**
 * Compressed CMS bombs for the AS2 tests: MIME entities whose CompressedData inflates to far
 * more than they weigh. The zlib stream is made chunk by chunk, so building a 1 GiB bomb never
 * holds 1 GiB in the test process either.
 */
import { createDeflate } from 'node:zlib';
import { compressedDataOf } from '../../shared/as2/index.ts';

const compressedHeaders = 'Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z\r\nContent-Transfer-Encoding: binary\r\n\r\n';

/** zlib of `head` followed by `zeros` zero bytes, deflated in 1 MiB steps (level 9). */
export async function deflateZeros(head: Uint8Array, zeros: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const write = (chunk: Uint8Array) => new Promise<void>((resolve) => (deflate.write(chunk) ? resolve() : deflate.once('drain', resolve)));
  await write(head);
  const mib = new Uint8Array(1024 * 1024);
  for (let left = zeros; left > 0; left -= mib.length) await write(left >= mib.length ? mib : mib.subarray(0, left));
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/** A MIME entity (compressed-data) around a zlib stream. */
export function compressedEntity(zlib: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(compressedHeaders, 'latin1'), compressedDataOf(zlib)]);
}

/**
 * One layer: a compressed-data entity that inflates to an octet-stream entity of `size` zero
 * bytes (1 GiB → about 1 MiB: zlib's ratio tops out near 1032:1).
 */
export async function singleLayerBomb(size: number): Promise<Buffer> {
  return compressedEntity(await deflateZeros(Buffer.from('Content-Type: application/octet-stream\r\n\r\n', 'latin1'), size));
}

/** Two layers: the single-layer bomb compressed again (1 GiB → a few KB). */
export async function doubleLayerBomb(size: number): Promise<Buffer> {
  const inner = await singleLayerBomb(size);
  return compressedEntity(await deflateZeros(inner, 0));
}
