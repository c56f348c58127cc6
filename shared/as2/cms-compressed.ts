/** CMS CompressedData with zlib (RFC 3274), as AS2 uses it (RFC 5402). */
import { deflateSync, inflateSync } from 'node:zlib';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { contentInfoDer, encapsulatedContentInfo, fail, octetBytes, oid, parseContentInfo } from './cms-common.ts';

/**
 * How far a CompressedData may inflate. zlib never writes past `maxOutputBytes`: a bomb is
 * refused when the output reaches the limit, so memory holds at most that much of it.
 */
export interface InflateLimits {
  /** Total bytes the message may inflate to (what is left of AS2_MAX_MB). */
  maxOutputBytes: number;
  /** Output may be at most this many times the compressed size… */
  maxRatio: number;
  /** …once past this floor (small messages of repeated segments compress far better than 100:1). */
  ratioFloorBytes: number;
}

/** Real EDIFACT and XML inflate 5–20×; 100:1 beyond 1 MiB is far above that and far below zlib's ~1032:1 bombs. */
export const defaultInflateLimits: InflateLimits = { maxOutputBytes: 256 * 1024 * 1024, maxRatio: 100, ratioFloorBytes: 1024 * 1024 };

/** The most one CompressedData of `compressedBytes` may inflate to under `limits`. */
export function inflateLimitFor(compressedBytes: number, limits: InflateLimits): number {
  return Math.min(limits.maxOutputBytes, Math.max(limits.ratioFloorBytes, compressedBytes * limits.maxRatio));
}

/** CompressedData ::= SEQUENCE { version, compressionAlgorithm, encapContentInfo } → the inflated content, within `limits`. */
export function decompressData(der: Uint8Array, limits: InflateLimits = defaultInflateLimits): Uint8Array {
  const info = parseContentInfo(der, 'compressed-data');
  if (info.contentType !== oid.compressedData) fail('unexpected-processing-error', `expected compressed data, found CMS content type ${info.contentType}`);
  const items = (info.content as asn1js.Sequence).valueBlock?.value ?? [];
  const algorithm = items[1] ? new pkijs.AlgorithmIdentifier({ schema: items[1] }) : undefined;
  if (!algorithm || algorithm.algorithmId !== oid.zlib) fail('unexpected-processing-error', `compression algorithm ${algorithm?.algorithmId ?? '(missing)'} is not supported (only zlib, ${oid.zlib})`);
  let encapsulated: pkijs.EncapsulatedContentInfo;
  try {
    encapsulated = new pkijs.EncapsulatedContentInfo({ schema: items[2] });
  } catch (error) {
    return fail('unexpected-processing-error', `malformed CompressedData: ${(error as Error).message}`);
  }
  if (!encapsulated.eContent) fail('unexpected-processing-error', 'CompressedData carries no content');
  const compressed = octetBytes(encapsulated.eContent);
  const limit = inflateLimitFor(compressed.length, limits);
  try {
    return new Uint8Array(inflateSync(compressed, { maxOutputLength: limit }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      const why =
        limit === limits.maxOutputBytes
          ? `more than ${limit} bytes, what is left of the message size limit (AS2_MAX_MB)`
          : `more than ${limit} bytes from ${compressed.length} compressed (at most ${limits.maxRatio}:1 beyond ${limits.ratioFloorBytes} bytes)`;
      return fail('decompression-failed', `the compressed content inflates to ${why}: refused as a decompression bomb, inflation stopped there`);
    }
    return fail('decompression-failed', `zlib inflate of the compressed content failed: ${(error as Error).message}`);
  }
}

export function compressData(content: Uint8Array): Uint8Array {
  return compressedDataOf(deflateSync(content));
}

/** CompressedData around a zlib stream made elsewhere (e.g. deflated in chunks). */
export function compressedDataOf(compressed: Uint8Array): Uint8Array {
  const encapsulated = encapsulatedContentInfo(oid.data, compressed);
  const compressedData = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), new pkijs.AlgorithmIdentifier({ algorithmId: oid.zlib }).toSchema(), encapsulated.toSchema()],
  });
  return contentInfoDer(oid.compressedData, compressedData);
}
