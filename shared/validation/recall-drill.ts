import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../db/index.ts';
import type { Keyring } from '../keys/keyring.ts';
import type { Clock } from '../clock.ts';
import { applyRecallIssued } from '../erp/apply-recall-issued.ts';
import { issueNotices, noticeRecallSql, type NoticeRecall } from '../recalls/issue-notices.ts';
import { getNoticeData } from '../recalls/get-notice-data.ts';
import { renderNoticePdf } from '../recalls/render-notice-pdf.ts';
import { loadNoticeFonts } from '../recalls/notice-fonts.ts';
import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

/** What leaving the system would look like: mail sent, webhooks delivered, AS2 messages sent. */
const sentSql = `SELECT
  (SELECT COUNT(*) FROM mail_messages WHERE state = 'sent') AS mail_sent,
  (SELECT COUNT(*) FROM mail_messages) AS mail,
  (SELECT COUNT(*) FROM outbox) AS events,
  (SELECT COUNT(*) FROM webhook_deliveries WHERE attempts > 0) AS webhook_attempts,
  (SELECT COUNT(*) FROM as2_outbound_messages WHERE state <> 'queued') AS as2_sent,
  (SELECT COUNT(*) FROM as2_outbound_messages) AS as2,
  (SELECT COUNT(*) FROM recalls) AS recalls`;
type Counts = { mail_sent: number; mail: number; events: number; webhook_attempts: number; as2_sent: number; as2: number; recalls: number };

/** The lot shipped to the most distributors: the drill recalls it (on the copy). */
const drillLotSql = `SELECT l.gtin, l.lot, COUNT(DISTINCT s.distributor_organisation_id) AS distributors
  FROM shipment_lines AS l JOIN shipments AS s ON s.id = l.shipment_id
  WHERE l.lot IS NOT NULL GROUP BY l.gtin, l.lot ORDER BY distributors DESC, l.gtin, l.lot LIMIT 1`;

export interface RecallDrillInput {
  /** The running database (file: URL of an embedded one); it is only read, by VACUUM INTO. */
  db: Db;
  /** Opens the keys kept outside the database (the copy's audit entries are MACed as the original's). */
  keys: () => Keyring;
  clock: Clock;
  /** Where notice links point (nothing is sent; the links are in the rendered PDFs of the copy only). */
  portalUrl: string;
  /** Where the copy's own temp folder is made (the system's temp folder by default); that folder is removed afterwards. */
  tempDir?: string;
}

/**
 * PQ `pq.recall_drill`: a recall rehearsed on a COPY of the running database (VACUUM INTO: a
 * consistent snapshot even while the server writes): the ERP's recall.issued for the lot shipped
 * to the most distributors is applied there (consignees resolved from the shipment records),
 * every consignee's notice issued and its PDF rendered; then the copy is checked to hold the
 * queued mail and events but nothing sent, the original to be unchanged, and the copy removed.
 * Without any shipped lot there is nothing to rehearse: skipped, saying so.
 */
export async function runRecallDrill(input: RecallDrillInput): Promise<ValidationCheck> {
  const findings: Finding[] = [];
  const facts: ValidationCheck['facts'] = {};
  const lot = await input.db.get<{ gtin: string; lot: string; distributors: number }>(drillLotSql);
  if (!lot) return checkResult('pq.recall_drill', 'PQ', { reason: 'no_shipped_lot' }, [], true);
  const now = input.clock.now();
  const recallNumber = `DRILL-${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const dir = mkdtempSync(join(input.tempDir ?? tmpdir(), 'lotbridge-drill-'));
  const copyPath = join(dir, 'drill.db');
  let copy: Db | undefined;
  try {
    // A read, not a write: VACUUM cannot run inside the transaction every write is wrapped in.
    await input.db.get('VACUUM INTO ?', [copyPath]);
    copy = openDb(`file:${copyPath}`, undefined, input.keys);
    const before = (await copy.get<Counts>(sentSql))!;
    facts.gtin = lot.gtin;
    facts.lot = lot.lot;
    const { recallId, notices } = await copy.transaction(async (tx) => {
      const recorded = (await applyRecallIssued(tx, input.clock, {
        recallNumber,
        issuedAt: now.toISOString(),
        reason: 'Validation recall drill (performed on a copy of the database; nothing was sent)',
        hazard: 'None: rehearsal',
        classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
        instructions: [{ action: 'quarantine' }],
        products: [{ gtin: lot.gtin, lots: [lot.lot] }],
        effectivenessLevel: 'C',
        noticeLanguages: ['en'],
      })) as { recall: string; consignees: number };
      facts.consigneesResolved = recorded.consignees;
      const consignees = (await tx.all<{ id: string }>('SELECT DISTINCT distributor_organisation_id AS id FROM recall_consignees WHERE recall_id = ? ORDER BY 1', [recorded.recall])).map((r) => r.id);
      const recall = (await tx.get<NoticeRecall>(noticeRecallSql, [recorded.recall]))!;
      const issued = await issueNotices(tx, input.clock, { recall, consignees, kind: 'notice', portalUrl: input.portalUrl });
      return { recallId: recorded.recall, notices: issued };
    });
    facts.noticesIssued = notices.length;
    if (Number(facts.consigneesResolved) !== lot.distributors) findings.push(finding('drill_consignees', { expected: lot.distributors, resolved: Number(facts.consigneesResolved) }));
    if (notices.length !== lot.distributors) findings.push(finding('drill_notices', { expected: lot.distributors, issued: notices.length }));

    const fonts = await loadNoticeFonts();
    let rendered = 0;
    let bytes = 0;
    for (const n of notices) {
      const data = await getNoticeData(copy, { recallId, distributorOrganisationId: n.distributorOrganisationId });
      const pdf = await renderNoticePdf(data, 'en', { fonts });
      if (Buffer.from(pdf.subarray(0, 5)).toString('latin1') === '%PDF-') rendered++;
      bytes += pdf.byteLength;
    }
    facts.noticesRendered = rendered;
    facts.pdfBytes = bytes;
    if (rendered !== notices.length) findings.push(finding('drill_pdf', { expected: notices.length, rendered }));

    const after = (await copy.get<Counts>(sentSql))!;
    facts.mailQueued = after.mail - before.mail;
    facts.eventsQueued = after.events - before.events;
    facts.as2Queued = after.as2 - before.as2;
    const sent = after.mail_sent - before.mail_sent + (after.webhook_attempts - before.webhook_attempts) + (after.as2_sent - before.as2_sent);
    facts.sent = sent;
    if (sent !== 0) findings.push(finding('drill_sent', { sent }));
    if (after.events - before.events < notices.length) findings.push(finding('drill_events', { expected: notices.length, queued: after.events - before.events }));
  } finally {
    copy?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  facts.copyRemoved = !existsSync(copyPath);
  // The original may be written meanwhile by the running server: what must not be there is the drill.
  const leaked = await input.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recalls WHERE recall_number = ?', [recallNumber]);
  if (leaked && leaked.n > 0) findings.push(finding('drill_touched_original', { recall: recallNumber }));
  return checkResult('pq.recall_drill', 'PQ', facts, findings);
}
