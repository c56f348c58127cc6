import type { Db } from '../../shared/db/index.ts';
import { newId } from '../../shared/ids.ts';
import { as2StorageKey, writeBytesFile } from '../../shared/as2-gateway/as2-files.ts';
import { insertInboundMessage } from '../../shared/as2-gateway/as2-message-rows.ts';

/**
 * An EDIFACT payload stored as the AS2 receive path stores it (the payload file under the
 * upload folder, the inbound row waiting for the EDIFACT engine), without the AS2 layer.
 */
export async function storeInboundEdifact(
  db: Db,
  uploadDir: string,
  input: { partnerId: string; organisationId: string; as2From: string; bytes: Uint8Array; filename?: string },
): Promise<string> {
  const id = newId('as2');
  const filename = input.filename ?? 'payload.edi';
  const receivedAt = new Date();
  const payload = await writeBytesFile(uploadDir, as2StorageKey(id, receivedAt, 'payload'), input.bytes);
  const stored = { storageKey: payload.storageKey, sha256: payload.sha256, sizeBytes: payload.sizeBytes };
  await db.transaction((tx) =>
    insertInboundMessage(tx, {
      id,
      partnerId: input.partnerId,
      organisationId: input.organisationId,
      as2From: input.as2From,
      as2To: 'LOTBRIDGE',
      messageId: `${id}@partner.example`,
      as2Version: '1.2',
      subject: filename,
      contentType: 'application/edifact',
      receivedAt: receivedAt.toISOString(),
      raw: { ...stored, headers: [] },
      layers: [],
      signer: null,
      mic: null,
      failure: null,
      payload: { ...stored, filename, contentType: 'application/edifact' },
      mdnMode: 'none',
      mdnSignedRequested: false,
      receiptDeliveryUrl: null,
      edifactWaiting: true,
    }),
  );
  return id;
}
