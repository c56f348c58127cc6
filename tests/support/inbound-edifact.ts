import type { Db } from '../../shared/db/index.ts';
import { newId } from '../../shared/ids.ts';
import { as2StorageKey, writeBytesFile } from '../../shared/as2-gateway/as2-files.ts';
import { insertInboundMessage } from '../../shared/as2-gateway/as2-message-rows.ts';
import type { WriteMessage, WriteSegment } from '../../shared/edifact/write.ts';

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

/** An EANCOM DESADV message: per line a GTIN, a lot (PIA NB), the despatched quantity and the order line. */
export function desadvMessage(reference: string, number: string, order: string, lines: { gtin: string; lot: string; quantity: string; poLine: string }[]): WriteMessage {
  return {
    reference,
    type: ['DESADV', 'D', '96A', 'UN', 'EAN005'],
    segments: [
      { tag: 'BGM', elements: [['351'], number, '9'] },
      { tag: 'DTM', elements: [['137', '20260320', '102']] },
      { tag: 'RFF', elements: [['ON', order]] },
      { tag: 'CPS', elements: ['1'] },
      ...lines.flatMap((l, i): WriteSegment[] => [
        { tag: 'LIN', elements: [String(i + 1), '', [l.gtin, 'SRV']] },
        { tag: 'PIA', elements: ['1', [l.lot, 'NB']] },
        { tag: 'QTY', elements: [['12', l.quantity]] },
        { tag: 'RFF', elements: [['ON', order, l.poLine]] },
      ]),
    ],
  };
}
