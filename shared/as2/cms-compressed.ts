/** CMS CompressedData with zlib (RFC 3274), as AS2 uses it (RFC 5402). */
import { deflateSync, inflateSync } from 'node:zlib';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { contentInfoDer, fail, octetBytes, oid, parseContentInfo, toArrayBuffer } from './cms-common.ts';

/** CompressedData ::= SEQUENCE { version, compressionAlgorithm, encapContentInfo } → the inflated content. */
export function decompressData(der: Uint8Array): Uint8Array {
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
  try {
    return new Uint8Array(inflateSync(octetBytes(encapsulated.eContent)));
  } catch (error) {
    return fail('unexpected-processing-error', `zlib inflate of the compressed content failed: ${(error as Error).message}`);
  }
}

export function compressData(content: Uint8Array): Uint8Array {
  const compressed = deflateSync(content);
  const encapsulated = new pkijs.EncapsulatedContentInfo({ eContentType: oid.data, eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(compressed) }) });
  const compressedData = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), new pkijs.AlgorithmIdentifier({ algorithmId: oid.zlib }).toSchema(), encapsulated.toSchema()],
  });
  return contentInfoDer(oid.compressedData, compressedData);
}
