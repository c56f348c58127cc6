import type { Tx } from '../db/index.ts';
import { certificateRecordHash, certificateSelect, toCertificate, type CertificateRow } from '../certificates/certificate.ts';
import { lotRecordHash, lotSelect, toLot, type InspectionOutcome, type LotRow } from '../lots/lot.ts';
import { inspectionHash } from '../lots/inspection-hash.ts';
import { invoiceRecordHash, type InvoiceLine, type InvoiceTaxSubtotal } from '../invoices/invoice.ts';
import { shipmentRecordHash } from '../erp/shipment-record.ts';
import { acknowledgementLotFromRows, acknowledgementRecordHash, effectivenessOutcomeHash, recallRecordHash, replyFormColumns, replyFormFromRow } from '../recalls/recall-record-hash.ts';
import { issuedTerms, type RecallContent } from '../recalls/record-recall.ts';
import { onwardReplyRecordHash } from '../recalls/onward-reply-record.ts';
import { scarDecisionHash, stepDecisionHash } from '../scars/scar-record.ts';
import { approvalDecisionHash } from '../supplier-approvals/approval-hash.ts';
import type { ApprovalStatus } from '../supplier-approvals/approval.ts';
import { weightColumns, weightsRecordHash, type Weights } from '../scorecards/weights.ts';
import { measureIds } from '../scorecards/measures.ts';
import { validationReportHash } from '../validation/report-hash.ts';
import { recordHash } from './record-hash.ts';

/** The kinds of record whose hash is recomputed (21 CFR 11.10(c), 11.70). */
export const hashedRecordTypes = ['certificate', 'lot', 'lot_inspection', 'invoice', 'recall', 'recall_acknowledgement', 'recall_effectiveness_outcome', 'recall_notice_revision', 'recall_onward_reply', 'scar', 'scar_step_decision', 'scorecard_weights', 'shipment', 'supplier_approval', 'validation_report'] as const;
export type HashedRecordType = (typeof hashedRecordTypes)[number];

/**
 * A record that no longer is what was recorded:
 * - `altered`: its stored content does not hash to its record hash;
 * - `signature_differs`: the signature on it is bound to another hash than the record's;
 * - `inconsistent`: a column repeats a value of the hashed content and no longer matches it (a
 *   SCAR: a step's due date is not its latest signed one; a SCAR step round: a new due date on a
 *   round that is not QA's signed return);
 * - `audit_differs`: its record hash is not the one the audit trail wrote down when the record
 *   was created (a record changed and re-hashed: the audit trail is chained, the record is not);
 * - `consignees_differ` (recalls): its consignee rows no longer add up to what the audit trail
 *   recorded when they were resolved or added (a consignee changed or removed);
 * - `signature_removed` (approved supplier list entries): it carries no signature, yet the audit
 *   trail's latest decision on it is QA's signed one, not an automatic downgrade (or, downgraded,
 *   the signed decisions the trail shows have no signature left).
 * A `recall_effectiveness_check` (id: recall id/distributor organisation id) is `inconsistent`
 * when the outcome it shows (what the dashboard counts and closing asks for) is not its latest
 * signed outcome (for outcomes recorded unsigned before migration 0034: its latest audited one).
 */
export interface RecordFinding {
  type: HashedRecordType | 'recall_effectiveness_check';
  id: string;
  problem: 'altered' | 'signature_differs' | 'inconsistent' | 'audit_differs' | 'consignees_differ' | 'signature_removed';
}

interface Checked {
  id: string;
  /** False when the record was stored before it had a record hash (ERP recalls and shipments before migration 0018). */
  hashed: boolean;
  findings: RecordFinding[];
}

type Checker = (db: Tx, ids: string[]) => Promise<Checked[]>;

const idList = 'SELECT value FROM json_each(?)';

/**
 * Where the audit trail wrote down a record's hash when it was created: the action and, per
 * record id, the hash recorded. Records from before their hash was audited have none.
 */
const createdSql: Record<HashedRecordType, string> = {
  certificate: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
                WHERE entity_type = 'certificate' AND action = 'certificate.submitted' AND entity_id IN (${idList})`,
  lot: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
        WHERE entity_type = 'lot' AND action = 'lot.submitted' AND entity_id IN (${idList})`,
  // QA's decision on a lot is audited on the lot (released or rejected), one per lot.
  lot_inspection: `SELECT i.id AS id, a.new_values ->> '$.recordHash' AS hash FROM audit_log AS a JOIN lot_inspections AS i ON i.lot_id = a.entity_id
                   WHERE a.entity_type = 'lot' AND a.action IN ('lot.released', 'lot.rejected') AND i.id IN (${idList})`,
  invoice: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
            WHERE entity_type = 'invoice' AND action = 'invoice.submitted' AND entity_id IN (${idList})`,
  recall: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
           WHERE entity_type = 'recall' AND action = 'recall.issued' AND entity_id IN (${idList})`,
  shipment: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
             WHERE entity_type = 'shipment' AND action = 'shipment.dispatched' AND entity_id IN (${idList})`,
  // A reply is audited on its notice, naming the reply.
  recall_acknowledgement: `SELECT new_values ->> '$.acknowledgement' AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
                           WHERE entity_type = 'recall_notice' AND action IN ('recall.acknowledged', 'recall.acknowledgement_corrected')
                             AND entity_id IN (SELECT notice_id FROM recall_acknowledgements WHERE id IN (${idList}))`,
  // A revised notice is audited on its recall, naming the revision.
  recall_notice_revision: `SELECT new_values ->> '$.revisionId' AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
                           WHERE entity_type = 'recall' AND action = 'recall.notice_revised'
                             AND entity_id IN (SELECT recall_id FROM recall_notice_revisions WHERE id IN (${idList}))`,
  // An effectiveness check's outcome is audited on its recall, naming the outcome record.
  recall_effectiveness_outcome: `SELECT new_values ->> '$.record' AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
                                 WHERE entity_type = 'recall' AND action = 'recall.effectiveness_check_recorded'
                                   AND entity_id IN (SELECT recall_id FROM recall_effectiveness_outcomes WHERE id IN (${idList}))`,
  // A customer's reply by onward link is audited on its onward notice, naming the reply.
  recall_onward_reply: `SELECT new_values ->> '$.reply' AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
                        WHERE entity_type = 'recall_onward_notice' AND action = 'recall.onward_replied'
                          AND entity_id IN (SELECT onward_notice_id FROM recall_onward_replies WHERE id IN (${idList}))`,
  // QA's latest signed decision on an approved supplier list entry, audited naming its signature.
  supplier_approval: `SELECT a.entity_id AS id, a.new_values ->> '$.recordHash' AS hash FROM audit_log AS a JOIN supplier_approvals AS p ON p.id = a.entity_id
                      WHERE a.entity_type = 'supplier_approval' AND a.action IN ('supplier_approval.created', 'supplier_approval.changed')
                        AND a.new_values ->> '$.signature' = p.signature_id AND p.id IN (${idList})`,
  scorecard_weights: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
                      WHERE entity_type = 'scorecard_weights' AND action = 'scorecard.weights_changed' AND entity_id IN (${idList})`,
  validation_report: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
                      WHERE entity_type = 'validation_report' AND action = 'validation_report.approved' AND entity_id IN (${idList})`,
  // A SCAR's record hash is that of QA's signed opening.
  scar: `SELECT entity_id AS id, new_values ->> '$.recordHash' AS hash FROM audit_log
         WHERE entity_type = 'scar' AND action = 'scar.opened' AND entity_id IN (${idList})`,
  // QA's decision on a SCAR step's answer (one round) is audited on the SCAR, naming its signature.
  scar_step_decision: `SELECT r.id AS id, a.new_values ->> '$.recordHash' AS hash FROM audit_log AS a JOIN scar_step_rounds AS r ON r.signature_id = a.new_values ->> '$.signature'
                       WHERE a.entity_type = 'scar' AND a.action IN ('scar.step_accepted', 'scar.step_returned') AND a.entity_id = r.scar_id AND r.id IN (${idList})`,
};

/** The records of `ids` whose record hash differs from the one audited at their creation. */
async function auditDiffers(db: Tx, type: HashedRecordType, ids: string[]): Promise<Set<string>> {
  const { table, storedSql } = checkers[type];
  const audited = await db.all<{ id: string; hash: string | null }>(createdSql[type], [JSON.stringify(ids)]);
  const stored = new Map(
    (await db.all<{ id: string; record_hash: string | null }>(storedSql ?? `SELECT id, record_hash FROM ${table} WHERE id IN (${idList})`, [JSON.stringify(ids)])).map((r) => [
      r.id,
      r.record_hash,
    ]),
  );
  const differs = new Set<string>();
  for (const a of audited) if (a.hash !== null && stored.has(a.id) && stored.get(a.id) !== a.hash) differs.add(a.id);
  return differs;
}

/** Recalls whose consignee rows no longer add up to what was audited when they were resolved and added. */
async function consigneesDiffer(db: Tx, ids: string[]): Promise<Set<string>> {
  const rows = await db.all<{ id: string; rows: number; units: number; audited_rows: number | null; audited_units: number | null; added_rows: number | null; added_units: number | null }>(
    `SELECT r.id,
            (SELECT COUNT(*) FROM recall_consignees AS c WHERE c.recall_id = r.id) AS rows,
            (SELECT ifnull(SUM(c.quantity_shipped), 0) FROM recall_consignees AS c WHERE c.recall_id = r.id) AS units,
            (SELECT a.new_values ->> '$.lines' FROM audit_log AS a
              WHERE a.entity_type = 'recall' AND a.entity_id = r.id AND a.action = 'recall.consignees_resolved' ORDER BY a.seq LIMIT 1) AS audited_rows,
            (SELECT a.new_values ->> '$.units' FROM audit_log AS a
              WHERE a.entity_type = 'recall' AND a.entity_id = r.id AND a.action = 'recall.consignees_resolved' ORDER BY a.seq LIMIT 1) AS audited_units,
            (SELECT COUNT(*) FROM audit_log AS a CROSS JOIN json_each(a.new_values -> '$.lines') AS l
              WHERE a.entity_type = 'recall' AND a.entity_id = r.id AND a.action = 'recall.consignee_added') AS added_rows,
            (SELECT ifnull(SUM(l.value ->> '$.quantity'), 0) FROM audit_log AS a CROSS JOIN json_each(a.new_values -> '$.lines') AS l
              WHERE a.entity_type = 'recall' AND a.entity_id = r.id AND a.action = 'recall.consignee_added') AS added_units
     FROM recalls AS r WHERE r.id IN (${idList})`,
    [JSON.stringify(ids)],
  );
  const differs = new Set<string>();
  for (const r of rows) {
    if (r.audited_rows === null) continue; // resolved before the trail recorded it: nothing to compare with
    if (r.rows !== Number(r.audited_rows) + (r.added_rows ?? 0) || r.units !== Number(r.audited_units ?? 0) + (r.added_units ?? 0)) differs.add(r.id);
  }
  return differs;
}

/**
 * The effectiveness checks of recalls `ids` whose outcome columns (what the dashboard counts and
 * closing asks for) are not their latest signed outcome; a check with no signed outcome shows
 * its latest audited one (recorded unsigned, before migration 0034), or none.
 */
async function checksDiffer(db: Tx, ids: string[]): Promise<RecordFinding[]> {
  const rows = await db.all<{
    recall_id: string; org: string; outcome: string | null; note: string | null; checked_at: string | null; checked_by: string | null;
    signed: string | null; signed_outcome: string | null; signed_note: string | null; signed_at: string | null; signed_by: string | null; audited: string | null;
  }>(
    `SELECT e.recall_id, e.distributor_organisation_id AS org, e.outcome, e.note, e.checked_at, e.checked_by,
            o.id AS signed, o.outcome AS signed_outcome, o.note AS signed_note, o.checked_at AS signed_at, o.checked_by AS signed_by,
            CASE WHEN o.id IS NULL AND e.outcome IS NOT NULL THEN
              (SELECT a.new_values FROM audit_log AS a
                WHERE a.entity_type = 'recall' AND a.entity_id = e.recall_id AND a.action = 'recall.effectiveness_check_recorded'
                  AND a.new_values ->> '$.distributorOrganisationId' = e.distributor_organisation_id ORDER BY a.seq DESC LIMIT 1) END AS audited
     FROM recall_effectiveness_checks AS e
     LEFT JOIN recall_effectiveness_outcomes AS o ON o.id = (
       SELECT x.id FROM recall_effectiveness_outcomes AS x WHERE x.recall_id = e.recall_id AND x.distributor_organisation_id = e.distributor_organisation_id
        ORDER BY x.checked_at DESC, x.rowid DESC LIMIT 1)
     WHERE e.recall_id IN (${idList}) ORDER BY e.recall_id, e.distributor_organisation_id`,
    [JSON.stringify(ids)],
  );
  const differs = (e: (typeof rows)[number]): boolean => {
    if (e.signed !== null) return e.outcome !== e.signed_outcome || e.note !== e.signed_note || e.checked_at !== e.signed_at || e.checked_by !== e.signed_by;
    if (e.outcome === null) return e.note !== null || e.checked_at !== null;
    if (e.audited === null) return true; // an outcome nobody recorded
    const a = JSON.parse(e.audited) as { outcome?: unknown; note?: unknown; checkedAt?: unknown };
    return e.outcome !== a.outcome || e.note !== (a.note ?? null) || e.checked_at !== a.checkedAt;
  };
  return rows.filter(differs).map((e) => ({ type: 'recall_effectiveness_check', id: `${e.recall_id}/${e.org}`, problem: 'inconsistent' }));
}

/** Adds the audit-trail comparisons to what a checker found. */
async function withAuditChecks(db: Tx, type: HashedRecordType, ids: string[], results: Checked[]): Promise<Checked[]> {
  const differs = await auditDiffers(db, type, ids);
  const consignees = type === 'recall' ? await consigneesDiffer(db, ids) : new Set<string>();
  const checks = type === 'recall' ? await checksDiffer(db, ids) : [];
  return results.map((r) => ({
    ...r,
    findings: [
      ...r.findings,
      ...(differs.has(r.id) ? [{ type, id: r.id, problem: 'audit_differs' as const }] : []),
      ...(consignees.has(r.id) ? [{ type, id: r.id, problem: 'consignees_differ' as const }] : []),
      ...checks.filter((c) => c.id.startsWith(`${r.id}/`)),
    ],
  }));
}

/**
 * Per type: the table its records are listed from, the checker, and (for records without a
 * record hash column of their own) where their record hash is stored: `SELECT id, record_hash`.
 */
const checkers: Record<HashedRecordType, { table: string; storedSql?: string; check: Checker }> = {
  certificate: {
    table: 'certificates',
    async check(db, ids) {
      const rows = await db.all<CertificateRow>(`${certificateSelect} WHERE c.id IN (${idList})`, [JSON.stringify(ids)]);
      return rows.map((row) => {
        const c = toCertificate(row);
        return { id: c.id, hashed: true, findings: certificateRecordHash(c) === c.recordHash ? [] : [{ type: 'certificate', id: c.id, problem: 'altered' }] };
      });
    },
  },
  lot: {
    table: 'lots',
    async check(db, ids) {
      const rows = await db.all<LotRow>(`${lotSelect} WHERE l.id IN (${idList})`, [JSON.stringify(ids)]);
      return rows.map((row) => {
        const l = toLot(row);
        return { id: l.id, hashed: true, findings: lotRecordHash(l) === l.recordHash ? [] : [{ type: 'lot', id: l.id, problem: 'altered' }] };
      });
    },
  },
  lot_inspection: {
    table: 'lot_inspections',
    async check(db, ids) {
      const list = JSON.stringify(ids);
      const rows = await db.all<{
        id: string; lot_id: string; lot_hash: string; outcome: InspectionOutcome; sample_size: number; defects_found: number; measurements: string;
        deviation: string | null; reason: string | null; record_hash: string; sig_hash: string | null;
      }>(
        `SELECT i.id, i.lot_id, l.record_hash AS lot_hash, i.outcome, i.sample_size, i.defects_found, i.measurements, i.deviation, i.reason, i.record_hash, s.record_hash AS sig_hash
         FROM lot_inspections AS i JOIN lots AS l ON l.id = i.lot_id LEFT JOIN signatures AS s ON s.id = i.signature_id WHERE i.id IN (${idList})`,
        [list],
      );
      const files = await db.all<{ inspection_id: string; name: string; sha256: string }>(
        `SELECT lf.inspection_id, f.original_name AS name, f.sha256 FROM lot_inspection_files AS lf JOIN stored_files AS f ON f.id = lf.file_id
         WHERE lf.inspection_id IN (${idList}) ORDER BY lf.inspection_id, lf.position`,
        [list],
      );
      return rows.map((i) => {
        const findings: RecordFinding[] = [];
        let hash: string | null = null;
        try {
          const decision = { outcome: i.outcome, sampleSize: i.sample_size, defectsFound: i.defects_found, measurements: JSON.parse(i.measurements), deviation: i.deviation, reason: i.reason };
          const attached = files.filter((f) => f.inspection_id === i.id).map((f) => ({ name: f.name, sha256: f.sha256 }));
          hash = inspectionHash({ id: i.lot_id, recordHash: i.lot_hash }, decision, attached);
        } catch {
          // Unreadable measurements: altered below.
        }
        if (hash !== i.record_hash) findings.push({ type: 'lot_inspection', id: i.id, problem: 'altered' });
        if (i.sig_hash !== i.record_hash) findings.push({ type: 'lot_inspection', id: i.id, problem: 'signature_differs' });
        return { id: i.id, hashed: true, findings };
      });
    },
  },
  supplier_approval: {
    // An entry as QA last decided it, signed. An automatic downgrade (certificate expired or
    // rejected) has no signature: its supplier, scope and required certificates are recomputed
    // with the status and reason of QA's latest signed decision on it, against that signature.
    // An unsigned entry whose latest decision in the audit trail is not such a downgrade (written
    // by the system: shared/supplier-approvals/downgrade-approvals.ts) had its signature removed;
    // one whose status is not the one the downgrade wrote is inconsistent.
    table: 'supplier_approvals',
    storedSql: `SELECT p.id, s.record_hash FROM supplier_approvals AS p LEFT JOIN signatures AS s ON s.id = p.signature_id WHERE p.id IN (${idList})`,
    async check(db, ids) {
      const rows = await db.all<{
        id: string; supplier_id: string; item_gtin: string | null; item_category: string | null; status: ApprovalStatus; required_certificates: string; reason: string;
        signature_id: string | null; sig_hash: string | null; sig_type: string | null; sig_entity: string | null;
        last_action: string | null; last_actor: string | null; last_status: string | null;
        signed_id: string | null; signed_hash: string | null; signed_reason: string | null; signed_audit: string | null; signed_status: string | null;
      }>(
        `SELECT p.id, p.supplier_id, p.item_gtin, p.item_category, p.status, p.required_certificates, p.reason, p.signature_id,
                s.record_hash AS sig_hash, s.entity_type AS sig_type, s.entity_id AS sig_entity,
                d.action AS last_action, d.actor_type AS last_actor, d.new_values ->> '$.status' AS last_status,
                g.id AS signed_id, g.record_hash AS signed_hash, g.reason AS signed_reason,
                e.new_values ->> '$.signature' AS signed_audit, e.new_values ->> '$.status' AS signed_status
         FROM supplier_approvals AS p LEFT JOIN signatures AS s ON s.id = p.signature_id
         LEFT JOIN audit_log AS d ON d.seq = (
           SELECT a.seq FROM audit_log AS a
            WHERE a.entity_type = 'supplier_approval' AND a.entity_id = p.id
              AND a.action IN ('supplier_approval.created', 'supplier_approval.changed', 'supplier_approval.downgraded')
            ORDER BY a.seq DESC LIMIT 1)
         LEFT JOIN signatures AS g ON p.signature_id IS NULL AND g.id = (
           SELECT x.id FROM signatures AS x WHERE x.entity_type = 'supplier_approval' AND x.entity_id = p.id ORDER BY x.signed_at DESC, x.rowid DESC LIMIT 1)
         LEFT JOIN audit_log AS e ON p.signature_id IS NULL AND e.seq = (
           SELECT a.seq FROM audit_log AS a
            WHERE a.entity_type = 'supplier_approval' AND a.entity_id = p.id AND a.action IN ('supplier_approval.created', 'supplier_approval.changed')
            ORDER BY a.seq DESC LIMIT 1)
         WHERE p.id IN (${idList})`,
        [JSON.stringify(ids)],
      );
      const decisionHash = (p: (typeof rows)[number], status: ApprovalStatus, reason: string): string | null => {
        try {
          return approvalDecisionHash({
            approvalId: p.id, supplierId: p.supplier_id, itemGtin: p.item_gtin, itemCategory: p.item_category, status,
            requiredCertificates: JSON.parse(p.required_certificates), reason,
          });
        } catch {
          return null; // unreadable required certificates: altered
        }
      };
      return rows.map((p) => {
        if (p.signature_id === null) {
          const downgraded = p.last_action === 'supplier_approval.downgraded' && p.last_actor === 'system';
          const findings: RecordFinding[] = [];
          if (!downgraded) findings.push({ type: 'supplier_approval', id: p.id, problem: 'signature_removed' });
          else if (p.last_status !== p.status) findings.push({ type: 'supplier_approval', id: p.id, problem: 'inconsistent' });
          if (!downgraded) return { id: p.id, hashed: false, findings };
          // A downgrade changes the status and reason only: the supplier, scope and required
          // certificates are still those of QA's latest signed decision (the audit trail's latest
          // one, whose signature must be the entry's latest), recomputed with that decision's status
          // and reason. An entry the trail shows no signed decision on (put in outside Lotbridge's
          // use cases: test and bench fixtures) has nothing to recompute; one it shows signed whose
          // signatures are gone had them removed.
          if (p.signed_audit === null) return { id: p.id, hashed: false, findings };
          if (p.signed_id === null) {
            findings.push({ type: 'supplier_approval', id: p.id, problem: 'signature_removed' });
            return { id: p.id, hashed: false, findings };
          }
          const hash = p.signed_audit === p.signed_id ? decisionHash(p, p.signed_status as ApprovalStatus, p.signed_reason ?? '') : null;
          if (hash !== p.signed_hash) findings.push({ type: 'supplier_approval', id: p.id, problem: 'altered' });
          return { id: p.id, hashed: true, findings };
        }
        const hash = decisionHash(p, p.status, p.reason);
        const findings: RecordFinding[] = [];
        if (hash !== p.sig_hash) findings.push({ type: 'supplier_approval', id: p.id, problem: 'altered' });
        if (p.sig_hash !== null && (p.sig_type !== 'supplier_approval' || p.sig_entity !== p.id)) findings.push({ type: 'supplier_approval', id: p.id, problem: 'signature_differs' });
        return { id: p.id, hashed: true, findings };
      });
    },
  },
  scorecard_weights: {
    table: 'scorecard_weights',
    async check(db, ids) {
      const rows = await db.all<Record<string, number> & { id: string; reason: string; record_hash: string; sig_hash: string | null }>(
        `SELECT w.*, s.record_hash AS sig_hash FROM scorecard_weights AS w LEFT JOIN signatures AS s ON s.id = w.signature_id WHERE w.id IN (${idList})`,
        [JSON.stringify(ids)],
      );
      return rows.map((w) => {
        const weights = Object.fromEntries(measureIds.map((m) => [m, w[weightColumns[m]]])) as Weights;
        const findings: RecordFinding[] = [];
        if (weightsRecordHash(w.id, weights, w.reason) !== w.record_hash) findings.push({ type: 'scorecard_weights', id: w.id, problem: 'altered' });
        if (w.sig_hash !== w.record_hash) findings.push({ type: 'scorecard_weights', id: w.id, problem: 'signature_differs' });
        return { id: w.id, hashed: true, findings };
      });
    },
  },
  validation_report: {
    // QA's approval of a validation report: both kept files by their checksums, the verdict, the
    // commit, when it was generated and the deviation accepted.
    table: 'validation_reports',
    async check(db, ids) {
      const rows = await db.all<{
        id: string; organisation_id: string; json_sha: string | null; pdf_sha: string | null; passed: number; commit_sha: string | null; generated_at: string;
        deviation: string | null; record_hash: string; sig_hash: string | null;
      }>(
        `SELECT v.id, v.organisation_id, j.sha256 AS json_sha, p.sha256 AS pdf_sha, v.passed, v.commit_sha, v.generated_at, v.deviation, v.record_hash, s.record_hash AS sig_hash
         FROM validation_reports AS v LEFT JOIN stored_files AS j ON j.id = v.json_file_id LEFT JOIN stored_files AS p ON p.id = v.pdf_file_id
         LEFT JOIN signatures AS s ON s.id = v.signature_id WHERE v.id IN (${idList})`,
        [JSON.stringify(ids)],
      );
      return rows.map((v) => {
        const findings: RecordFinding[] = [];
        const hash =
          v.json_sha !== null && v.pdf_sha !== null
            ? validationReportHash({
                organisationId: v.organisation_id, jsonSha256: v.json_sha, pdfSha256: v.pdf_sha, passed: v.passed === 1, commit: v.commit_sha, generatedAt: v.generated_at, deviation: v.deviation,
              })
            : null;
        if (hash !== v.record_hash) findings.push({ type: 'validation_report', id: v.id, problem: 'altered' });
        if (v.sig_hash !== v.record_hash) findings.push({ type: 'validation_report', id: v.id, problem: 'signature_differs' });
        return { id: v.id, hashed: true, findings };
      });
    },
  },
  scar: {
    // QA's signed decisions on the SCAR itself: opening it (the supplier, problem, severity,
    // links, due dates and verify-after date), the latest effectiveness verification, closing
    // and cancelling, each against its signature's record hash. The record hash is the opening's.
    table: 'scars',
    storedSql: `SELECT s.id, g.record_hash FROM scars AS s LEFT JOIN signatures AS g ON g.id = s.open_signature_id WHERE s.id IN (${idList})`,
    async check(db, ids) {
      const list = JSON.stringify(ids);
      type Sig = { record_hash: string; entity_type: string; entity_id: string; reason: string | null };
      const rows = await db.all<{
        id: string; supplier_id: string; title: string; problem: string; severity: string; state: string; verify_after: string | null;
        verified_at: string | null; verification_result: string | null; verification_note: string | null;
        open_signature_id: string; verification_signature_id: string | null; close_signature_id: string | null;
      }>(
        `SELECT id, supplier_id, title, problem, severity, state, verify_after, verified_at, verification_result, verification_note,
                open_signature_id, verification_signature_id, close_signature_id
         FROM scars WHERE id IN (${idList})`,
        [list],
      );
      const links = await db.all<{ scar_id: string; kind: string; ref_id: string }>(`SELECT scar_id, kind, ref_id FROM scar_links WHERE scar_id IN (${idList}) ORDER BY scar_id, rowid`, [list]);
      const steps = await db.all<{ scar_id: string; step: string; due_date: string }>(`SELECT scar_id, step, due_date FROM scar_steps WHERE scar_id IN (${idList}) ORDER BY scar_id, step`, [list]);
      // Signed returns that gave a step a new due date (that round's own signature binds it, checked
      // as a scar_step_decision). A new_due_date on any other round (undecided, accepted, unsigned)
      // redates nothing: the step-decision check reports it.
      const redated = await db.all<{ scar_id: string; step: string; new_due_date: string; signature_id: string }>(
        `SELECT r.scar_id, r.step, r.new_due_date, r.signature_id FROM scar_step_rounds AS r JOIN signatures AS g ON g.id = r.signature_id
         WHERE r.decision = 'returned' AND r.new_due_date IS NOT NULL AND r.scar_id IN (${idList})`,
        [list],
      );
      // What the trail adds: the due dates as opened (a "not effective" verification gives D4..D8
      // new ones, which its own signature binds), the steps each such verification returned and,
      // for a cancelled SCAR, the cancelling signature and the state it was cancelled in; and, in
      // the trail's order, the signed returns (which of the dates is a step's latest).
      const audits = await db.all<{ id: string; action: string; old_values: string | null; new_values: string | null }>(
        `SELECT entity_id AS id, action, old_values, new_values FROM audit_log
         WHERE entity_type = 'scar' AND action IN ('scar.opened', 'scar.verified', 'scar.cancelled', 'scar.step_returned') AND entity_id IN (${idList}) ORDER BY seq`,
        [list],
      );
      const sigIds = [
        ...rows.flatMap((r) => [r.open_signature_id, r.verification_signature_id, r.close_signature_id]),
        ...audits.filter((a) => a.action === 'scar.cancelled').map((a) => (JSON.parse(a.new_values ?? '{}') as { signature?: string }).signature),
      ].filter((x): x is string => typeof x === 'string');
      const sigs = new Map(
        (await db.all<Sig & { id: string }>(`SELECT id, record_hash, entity_type, entity_id, reason FROM signatures WHERE id IN (${idList})`, [JSON.stringify(sigIds)])).map((g) => [g.id, g]),
      );
      return rows.map((r) => {
        const findings: RecordFinding[] = [];
        const mine = audits.filter((a) => a.id === r.id).map((a) => ({ action: a.action, old: JSON.parse(a.old_values ?? '{}'), new: JSON.parse(a.new_values ?? '{}') }));
        const openedDue = (mine.find((a) => a.action === 'scar.opened')?.new.dueDates ?? {}) as Record<string, string>;
        const notEffective = mine.filter((a) => a.action === 'scar.verified' && a.new.verificationResult === 'not_effective');
        const returned = new Set(notEffective.flatMap((a) => (a.new.returnedSteps ?? []) as string[]));
        const ownRedated = redated.filter((x) => x.scar_id === r.id);
        const redatedSteps = new Set(ownRedated.map((x) => x.step));
        const ownSteps = steps.filter((s) => s.scar_id === r.id);
        // A step's due date is its latest source, in the trail's order: the opening, a "not
        // effective" verification that returned it, or a signed return that gave it a new one.
        const latestDue = new Map(Object.entries(openedDue));
        for (const a of mine) {
          if (a.action === 'scar.verified' && a.new.verificationResult === 'not_effective') {
            for (const step of (a.new.returnedSteps ?? []) as string[]) latestDue.set(step, a.new.dueDate as string);
          } else if (a.action === 'scar.step_returned' && typeof a.new.signature === 'string') {
            const round = ownRedated.find((x) => x.signature_id === a.new.signature && x.step === a.new.step);
            if (round) latestDue.set(round.step, round.new_due_date);
          }
        }
        const dueDiffers = ownSteps.some((s) => latestDue.get(s.step) !== s.due_date);
        const dueDates = Object.fromEntries(ownSteps.map((s) => [s.step, returned.has(s.step) || redatedSteps.has(s.step) ? openedDue[s.step] : s.due_date]));
        const opened = {
          supplierId: r.supplier_id, title: r.title, problem: r.problem, severity: r.severity,
          links: links.filter((l) => l.scar_id === r.id).map((l) => ({ kind: l.kind, refId: l.ref_id })), dueDates, verifyAfter: r.verify_after,
        };
        const decisions: { signature: string | null | undefined; hash: () => string }[] = [{ signature: r.open_signature_id, hash: () => scarDecisionHash(r, 'open', opened) }];
        if (r.verification_signature_id) {
          const reopened = ownSteps.filter((s) => returned.has(s.step));
          // The due date it gave: a reopened step's own, unless every one was given another by a
          // return (then as audited).
          const dueDate = reopened.find((s) => !redatedSteps.has(s.step))?.due_date ?? (notEffective.at(-1)?.new.dueDate as string | undefined);
          const decided = { result: r.verification_result, note: r.verification_note, ...(r.verification_result === 'effective' ? {} : { dueDate, reopenedSteps: reopened.map((s) => s.step) }) };
          decisions.push({ signature: r.verification_signature_id, hash: () => scarDecisionHash(r, 'verify', decided) });
        }
        if (r.close_signature_id || r.state === 'closed') {
          const reason = r.close_signature_id ? (sigs.get(r.close_signature_id)?.reason ?? null) : null;
          decisions.push({
            signature: r.close_signature_id,
            hash: () => scarDecisionHash(r, 'close', { comment: reason, verification: { result: r.verification_result, note: r.verification_note, verifiedAt: r.verified_at } }),
          });
        }
        const cancelled = mine.find((a) => a.action === 'scar.cancelled');
        if (cancelled || r.state === 'cancelled') {
          const signature = cancelled?.new.signature as string | undefined;
          const reason = signature ? sigs.get(signature)?.reason : undefined;
          decisions.push({ signature, hash: () => scarDecisionHash(r, 'cancel', { reason, previousState: cancelled?.old.state }) });
        }
        let altered = false;
        let differs = false;
        for (const d of decisions) {
          const sig = d.signature ? sigs.get(d.signature) : undefined;
          if (!sig || d.hash() !== sig.record_hash) altered = true;
          if (sig && (sig.entity_type !== 'scar' || sig.entity_id !== r.id)) differs = true;
        }
        if (altered) findings.push({ type: 'scar', id: r.id, problem: 'altered' });
        if (differs) findings.push({ type: 'scar', id: r.id, problem: 'signature_differs' });
        if (dueDiffers) findings.push({ type: 'scar', id: r.id, problem: 'inconsistent' });
        return { id: r.id, hashed: true, findings };
      });
    },
  },
  scar_step_decision: {
    // A round is one submitted answer to a step; QA's signed decision on it (accept or return)
    // binds the answer, when it was submitted and QA's comment. A round not yet decided has
    // nothing signed (counted as unhashed). The record hash is the signature's.
    table: 'scar_step_rounds',
    storedSql: `SELECT r.id, s.record_hash FROM scar_step_rounds AS r LEFT JOIN signatures AS s ON s.id = r.signature_id WHERE r.id IN (${idList})`,
    async check(db, ids) {
      const rows = await db.all<{
        id: string; scar_id: string; step: string; round: number; answer: string; submitted_at: string; decision: string | null; decision_comment: string | null;
        new_due_date: string | null; signature_id: string | null; sig_hash: string | null; sig_type: string | null; sig_entity: string | null;
      }>(
        `SELECT r.id, r.scar_id, r.step, r.round, r.answer, r.submitted_at, r.decision, r.decision_comment, r.new_due_date, r.signature_id,
                s.record_hash AS sig_hash, s.entity_type AS sig_type, s.entity_id AS sig_entity
         FROM scar_step_rounds AS r LEFT JOIN signatures AS s ON s.id = r.signature_id WHERE r.id IN (${idList})`,
        [JSON.stringify(ids)],
      );
      return rows.map((r) => {
        // Only QA's signed return gives a step a new due date.
        const strayDueDate = r.new_due_date !== null && !(r.decision === 'returned' && r.signature_id !== null);
        const stray: RecordFinding[] = strayDueDate ? [{ type: 'scar_step_decision', id: r.id, problem: 'inconsistent' }] : [];
        if (r.decision === null && r.signature_id === null) return { id: r.id, hashed: false, findings: stray };
        let hash: string | null = null;
        try {
          hash = stepDecisionHash({ id: r.scar_id }, r.decision, {
            step: r.step, round: r.round, answer: JSON.parse(r.answer), submittedAt: r.submitted_at, comment: r.decision_comment, newDueDate: r.new_due_date,
          });
        } catch {
          // Unreadable answer: altered below.
        }
        const findings: RecordFinding[] = [];
        if (r.decision === null || hash !== r.sig_hash) findings.push({ type: 'scar_step_decision', id: r.id, problem: 'altered' });
        findings.push(...stray);
        if (r.sig_hash !== null && (r.sig_type !== 'scar' || r.sig_entity !== r.scar_id)) findings.push({ type: 'scar_step_decision', id: r.id, problem: 'signature_differs' });
        return { id: r.id, hashed: true, findings };
      });
    },
  },
  invoice: {
    table: 'invoices',
    async check(db, ids) {
      const list = JSON.stringify(ids);
      const rows = await db.all<{
        id: string; organisation_id: string; invoice_number: string; invoice_date: string; due_date: string; currency: string; payment_terms: string;
        purchase_order_id: string; net_total: string; tax_total: string; gross_total: string; tax_breakdown: string; record_hash: string; submitted_by: string; submitted_at: string;
      }>(`SELECT * FROM invoices WHERE id IN (${idList})`, [list]);
      const lines = await db.all<{ invoice_id: string; line_number: number; po_line_number: number; gtin: string; description: string; quantity: string; unit_price: string; tax_rate: string; line_net: string }>(
        `SELECT * FROM invoice_lines WHERE invoice_id IN (${idList}) ORDER BY invoice_id, line_number`,
        [list],
      );
      return rows.map((i) => {
        const own: InvoiceLine[] = lines
          .filter((l) => l.invoice_id === i.id)
          .map((l) => ({ lineNumber: l.line_number, poLineNumber: l.po_line_number, gtin: l.gtin, description: l.description, quantity: l.quantity, unitPrice: l.unit_price, taxRate: l.tax_rate, lineNet: l.line_net }));
        const hash = invoiceRecordHash({
          id: i.id,
          organisationId: i.organisation_id,
          number: i.invoice_number,
          invoiceDate: i.invoice_date,
          dueDate: i.due_date,
          currency: i.currency,
          paymentTerms: i.payment_terms,
          purchaseOrderId: i.purchase_order_id,
          lines: own,
          taxBreakdown: JSON.parse(i.tax_breakdown) as InvoiceTaxSubtotal[],
          totals: { net: i.net_total, tax: i.tax_total, gross: i.gross_total },
          submittedById: i.submitted_by,
          submittedAt: i.submitted_at,
        });
        return { id: i.id, hashed: true, findings: hash === i.record_hash ? [] : [{ type: 'invoice', id: i.id, problem: 'altered' }] };
      });
    },
  },
  recall: {
    table: 'recalls',
    async check(db, ids) {
      const rows = await db.all<{
        id: string; recall_number: string; source: 'erp' | 'portal'; payload: string; issued_at: string; record_hash: string | null; signed: number;
        effectiveness_percent: number | null; actions_deadline: string | null; severity: number; response_deadline: string | null; effectiveness_level: string;
      }>(
        `SELECT r.id, r.recall_number, r.source, r.payload, r.issued_at, r.record_hash, r.effectiveness_percent, r.actions_deadline, r.severity, r.response_deadline, r.effectiveness_level,
                EXISTS (SELECT 1 FROM signatures AS s WHERE s.entity_type = 'recall' AND s.entity_id = r.id AND s.record_hash = r.record_hash) AS signed
         FROM recalls AS r WHERE r.id IN (${idList})`,
        [JSON.stringify(ids)],
      );
      return rows.map((r) => {
        const findings: RecordFinding[] = [];
        const finding = (problem: RecordFinding['problem']) => findings.push({ type: 'recall', id: r.id, problem });
        let payload: Record<string, unknown> | null = null;
        try {
          payload = JSON.parse(r.payload) as Record<string, unknown>;
        } catch {
          finding('altered');
        }
        if (payload) {
          if (r.record_hash !== null && recallRecordHash(r.source, payload) !== r.record_hash) finding('altered');
          if (payload.recallNumber !== r.recall_number || payload.issuedAt !== r.issued_at || !termsMatch(r, payload)) finding('inconsistent');
        }
        // QA's recalls are signed over their record hash when they are created.
        if (r.source === 'portal' && !r.signed) finding('signature_differs');
        return { id: r.id, hashed: r.record_hash !== null, findings };
      });
    },
  },
  recall_effectiveness_outcome: {
    table: 'recall_effectiveness_outcomes',
    async check(db, ids) {
      const rows = await db.all<{ id: string; recall_id: string; recall_number: string; org: string; outcome: string; method: string; note: string | null; record_hash: string; sig_hash: string | null }>(
        `SELECT o.id, o.recall_id, r.recall_number, o.distributor_organisation_id AS org, o.outcome, o.method, o.note, o.record_hash, s.record_hash AS sig_hash
         FROM recall_effectiveness_outcomes AS o JOIN recalls AS r ON r.id = o.recall_id LEFT JOIN signatures AS s ON s.id = o.signature_id
         WHERE o.id IN (${idList})`,
        [JSON.stringify(ids)],
      );
      return rows.map((o) => {
        const hash = effectivenessOutcomeHash({ recallId: o.recall_id, recallNumber: o.recall_number, distributorOrganisationId: o.org, outcome: o.outcome, method: o.method, note: o.note });
        const findings: RecordFinding[] = [];
        if (hash !== o.record_hash) findings.push({ type: 'recall_effectiveness_outcome', id: o.id, problem: 'altered' });
        if (o.sig_hash !== o.record_hash) findings.push({ type: 'recall_effectiveness_outcome', id: o.id, problem: 'signature_differs' });
        return { id: o.id, hashed: true, findings };
      });
    },
  },
  recall_acknowledgement: {
    table: 'recall_acknowledgements',
    async check(db, ids) {
      const list = JSON.stringify(ids);
      const rows = await db.all<
        { id: string; notice_id: string; recall_number: string; org: string; holds_stock: number; comment: string | null; revision: number; record_hash: string; sig_hash: string | null } & Parameters<typeof replyFormFromRow>[0]
      >(
        `SELECT a.id, a.notice_id, r.recall_number, a.distributor_organisation_id AS org, a.holds_stock, a.comment, a.revision, a.record_hash, s.record_hash AS sig_hash, ${replyFormColumns}
         FROM recall_acknowledgements AS a
         JOIN recalls AS r ON r.id = a.recall_id
         LEFT JOIN signatures AS s ON s.id = a.signature_id
         WHERE a.id IN (${idList})`,
        [list],
      );
      // In the order the distributor gave them (insertion order), as they were hashed.
      const lots = await db.all<{ acknowledgement_id: string; gtin: string; lot: string | null; received: number; on_hand: number; quarantined: number; returned: number; destroyed: number; distributed: number; corrected: number | null; serials: string | null }>(
        `SELECT acknowledgement_id, gtin, lot, received, on_hand, quarantined, returned, destroyed, distributed, corrected, serials FROM recall_acknowledgement_lots WHERE acknowledgement_id IN (${idList}) ORDER BY rowid`,
        [list],
      );
      const subs = await db.all<{ acknowledgement_id: string; gtin: string; lot: string | null; name: string; contact: string | null; quantity: number; notified_on: string }>(
        `SELECT acknowledgement_id, gtin, lot, name, contact, quantity, notified_on FROM recall_subrecipients WHERE acknowledgement_id IN (${idList}) ORDER BY rowid`,
        [list],
      );
      return rows.map((a) => {
        const hash = acknowledgementRecordHash({
          noticeId: a.notice_id,
          recallNumber: a.recall_number,
          distributor: a.org,
          holdsStock: a.holds_stock === 1,
          comment: a.comment,
          form: replyFormFromRow(a),
          revision: a.revision,
          lots: lots
            .filter((l) => l.acknowledgement_id === a.id)
            .map((l) => acknowledgementLotFromRows(l, subs.filter((x) => x.acknowledgement_id === a.id))),
        });
        const findings: RecordFinding[] = [];
        if (hash !== a.record_hash) findings.push({ type: 'recall_acknowledgement', id: a.id, problem: 'altered' });
        if (a.sig_hash !== a.record_hash) findings.push({ type: 'recall_acknowledgement', id: a.id, problem: 'signature_differs' });
        return { id: a.id, hashed: true, findings };
      });
    },
  },
  recall_notice_revision: {
    table: 'recall_notice_revisions',
    async check(db, ids) {
      const rows = await db.all<{ id: string; recall_id: string; revision: number; type: string; payload: string; record_hash: string; sig_hash: string | null }>(
        `SELECT v.id, v.recall_id, v.revision, v.type, v.payload, v.record_hash, s.record_hash AS sig_hash
         FROM recall_notice_revisions AS v LEFT JOIN signatures AS s ON s.id = v.signature_id WHERE v.id IN (${idList})`,
        [JSON.stringify(ids)],
      );
      return rows.map((v) => {
        const findings: RecordFinding[] = [];
        const finding = (problem: RecordFinding['problem']) => findings.push({ type: 'recall_notice_revision', id: v.id, problem });
        let payload: Record<string, unknown> | null = null;
        try {
          payload = JSON.parse(v.payload) as Record<string, unknown>;
        } catch {
          finding('altered');
        }
        if (payload) {
          if (recordHash(payload) !== v.record_hash) finding('altered');
          if (payload.recallId !== v.recall_id || payload.revision !== v.revision || payload.type !== v.type) finding('inconsistent');
        }
        if (v.sig_hash !== v.record_hash) finding('signature_differs');
        return { id: v.id, hashed: true, findings };
      });
    },
  },
  recall_onward_reply: {
    table: 'recall_onward_replies',
    async check(db, ids) {
      const list = JSON.stringify(ids);
      const rows = await db.all<{ id: string; onward_notice_id: string; recall_number: string; customer: string; version: number; passed_on: number; passed_on_count: number; declarant_name: string; declarant_function: string; declarant_phone: string; declarant_email: string; record_hash: string; submitted_at: string }>(
        `SELECT y.id, y.onward_notice_id, r.recall_number, w.name AS customer, y.version, y.passed_on, y.passed_on_count, y.declarant_name, y.declarant_function, y.declarant_phone, y.declarant_email, y.record_hash, y.submitted_at
         FROM recall_onward_replies AS y JOIN recall_onward_notices AS w ON w.id = y.onward_notice_id JOIN recalls AS r ON r.id = w.recall_id
         WHERE y.id IN (${idList})`,
        [list],
      );
      const lots = await db.all<{ reply_id: string; gtin: string; lot: string | null; on_hand: number; quarantined: number; returned: number; destroyed: number }>(
        `SELECT reply_id, gtin, lot, on_hand, quarantined, returned, destroyed FROM recall_onward_reply_lots WHERE reply_id IN (${idList}) ORDER BY rowid`,
        [list],
      );
      return rows.map((y) => {
        const hash = onwardReplyRecordHash({
          onwardNoticeId: y.onward_notice_id,
          recallNumber: y.recall_number,
          customer: y.customer,
          version: y.version,
          understood: true,
          passedOn: y.passed_on === 1,
          passedOnCount: y.passed_on_count,
          declarant: { name: y.declarant_name, function: y.declarant_function, phone: y.declarant_phone, email: y.declarant_email },
          lots: lots.filter((l) => l.reply_id === y.id).map((l) => ({ gtin: l.gtin, lot: l.lot, onHand: l.on_hand, quarantined: l.quarantined, returned: l.returned, destroyed: l.destroyed })),
          submittedAt: y.submitted_at,
        });
        return { id: y.id, hashed: true, findings: hash === y.record_hash ? [] : [{ type: 'recall_onward_reply' as const, id: y.id, problem: 'altered' as const }] };
      });
    },
  },
  shipment: {
    table: 'shipments',
    async check(db, ids) {
      const list = JSON.stringify(ids);
      const rows = await db.all<{ id: string; shipment_number: string; distributor_organisation_id: string; dispatched_at: string; received_at: string; record_hash: string | null }>(
        `SELECT id, shipment_number, distributor_organisation_id, dispatched_at, received_at, record_hash FROM shipments WHERE id IN (${idList})`,
        [list],
      );
      const hashed = JSON.stringify(rows.filter((s) => s.record_hash !== null).map((s) => s.id));
      const lines = await db.all<{ shipment_id: string; line_number: number; gtin: string; lot: string | null; serials: string; quantity: number; expiry_date: string | null }>(
        `SELECT shipment_id, line_number, gtin, lot, serials, quantity, expiry_date FROM shipment_lines WHERE shipment_id IN (${idList}) ORDER BY shipment_id, line_number`,
        [hashed],
      );
      return rows.map((s) => {
        if (s.record_hash === null) return { id: s.id, hashed: false, findings: [] };
        const hash = shipmentRecordHash({
          id: s.id,
          shipmentNumber: s.shipment_number,
          distributorOrganisationId: s.distributor_organisation_id,
          dispatchedAt: s.dispatched_at,
          receivedAt: s.received_at,
          lines: lines
            .filter((l) => l.shipment_id === s.id)
            .map((l) => ({ lineNumber: l.line_number, gtin: l.gtin, lot: l.lot, serials: parseSerials(l.serials), quantity: l.quantity, expiryDate: l.expiry_date })),
        });
        return { id: s.id, hashed: true, findings: hash === s.record_hash ? [] : [{ type: 'shipment', id: s.id, problem: 'altered' }] };
      });
    },
  },
};

/**
 * Whether a recall's terms are what its payload gives, computed as record-recall.ts computed them
 * when it was stored: severity, reply deadline, effectiveness level and its level B percentage,
 * actions deadline (payloads from before a field: its default). A recall stored before 0018 (no
 * record hash) had its severity and deadline set by older rules and none of the later columns:
 * only what it has is compared.
 */
function termsMatch(
  r: { record_hash: string | null; effectiveness_percent: number | null; actions_deadline: string | null; severity: number; response_deadline: string | null; effectiveness_level: string },
  payload: Record<string, unknown>,
): boolean {
  let terms: ReturnType<typeof issuedTerms>;
  try {
    terms = issuedTerms(payload as RecallContent);
  } catch {
    return false;
  }
  if (!terms || r.effectiveness_percent !== terms.percent) return false;
  if (r.record_hash !== null && (r.severity !== terms.severity || r.response_deadline !== terms.deadline || r.effectiveness_level !== terms.level)) return false;
  return r.actions_deadline === terms.actionsDeadline || (r.record_hash === null && r.actions_deadline === null);
}

function parseSerials(text: string): string[] {
  try {
    return JSON.parse(text) as string[];
  } catch {
    return [text];
  }
}

export interface RecordHashVerdict {
  ok: boolean;
  /** Records recomputed, per type. */
  checked: Record<HashedRecordType, number>;
  /** Records stored before they had a record hash, per type (nothing to recompute). */
  unhashed: Record<HashedRecordType, number>;
  /** Every finding, in type and id order. */
  findings: number;
}

/**
 * Recomputes the record hash of every hashed record (certificates, lots, invoices, recalls, the
 * distributors' signed replies, QA's revised notices, shipments, and QA's signed decisions: lot
 * inspections, SCARs and their step decisions, approved supplier list entries, scorecard weights,
 * validation report approvals) from what is stored now, and checks the signatures
 * bound to them and the hashes the audit trail wrote down when they were created (with a keyed
 * audit chain, a record changed and re-hashed by someone holding the database file shows there). Reads in pages by id, so memory stays bounded however many records there are;
 * each finding goes to `onFinding` as it is found (the CLI prints it), only their count is kept.
 */
export async function verifyRecordHashes(
  db: Tx,
  options: { pageSize?: number; onFinding?: (finding: RecordFinding) => void } = {},
): Promise<RecordHashVerdict> {
  const pageSize = options.pageSize ?? 500;
  const checked = Object.fromEntries(hashedRecordTypes.map((t) => [t, 0])) as Record<HashedRecordType, number>;
  const unhashed = { ...checked };
  let findings = 0;
  for (const type of hashedRecordTypes) {
    const { table, check } = checkers[type];
    let after = '';
    for (;;) {
      const ids = (await db.all<{ id: string }>(`SELECT id FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`, [after, pageSize])).map((r) => r.id);
      if (ids.length === 0) break;
      const results = await withAuditChecks(db, type, ids, await check(db, ids));
      const byId = new Map(results.map((r) => [r.id, r]));
      for (const id of ids) {
        const r = byId.get(id);
        // A row the checker could not read back (e.g. its file or submitter row removed) is altered too.
        const found = r ? r.findings : [{ type, id, problem: 'altered' as const }];
        if (r && !r.hashed) unhashed[type]++;
        else checked[type]++;
        for (const f of found) {
          findings++;
          options.onFinding?.(f);
        }
      }
      after = ids[ids.length - 1]!;
      if (ids.length < pageSize) break;
    }
  }
  return { ok: findings === 0, checked, unhashed, findings };
}

/** Checks some records of one type (a page shows them); findings only. */
export async function checkRecordHashes(db: Tx, type: HashedRecordType, ids: string[]): Promise<RecordFinding[]> {
  if (ids.length === 0) return [];
  const results = await withAuditChecks(db, type, ids, await checkers[type].check(db, ids));
  const seen = new Set(results.map((r) => r.id));
  return [...results.flatMap((r) => r.findings), ...ids.filter((id) => !seen.has(id)).map((id) => ({ type, id, problem: 'altered' as const }))];
}

/**
 * What a recall's pages rest on, re-verified whenever they are shown: the recall as issued (and
 * its consignee rows against the audit trail) and the distributors' signed replies. With
 * `distributorOrganisationId` (that distributor's own page): its replies only, and the shipments
 * to it that its consignee rows were computed from. The staff page leaves the shipments to
 * `lotbridge audit verify`: a large recall rests on thousands of them (bench/records.ts).
 */
export async function recallRecordFindings(db: Tx, recallId: string, distributorOrganisationId?: string): Promise<RecordFinding[]> {
  const replies = await db.all<{ id: string }>(
    `SELECT id FROM recall_acknowledgements WHERE recall_id = ?${distributorOrganisationId ? ' AND distributor_organisation_id = ?' : ''} ORDER BY id`,
    distributorOrganisationId ? [recallId, distributorOrganisationId] : [recallId],
  );
  // Consignee rows first, then the lines of their GTIN and lot through shipment_lines_by_gtin_lot,
  // then the shipment by its key: CROSS JOIN keeps SQLite from starting at the shipments.
  const shipments = distributorOrganisationId
    ? await db.all<{ id: string }>(
        `SELECT DISTINCT s.id FROM recall_consignees AS c
         CROSS JOIN shipment_lines AS l INDEXED BY shipment_lines_by_gtin_lot ON l.gtin = c.gtin AND l.lot IS c.lot
         CROSS JOIN shipments AS s ON s.id = l.shipment_id AND s.distributor_organisation_id = c.distributor_organisation_id
         WHERE c.recall_id = ? AND c.distributor_organisation_id = ? AND c.source = 'shipments' ORDER BY s.id`,
        [recallId, distributorOrganisationId],
      )
    : [];
  const onwardReplies = await db.all<{ id: string }>(
    `SELECT y.id FROM recall_onward_replies AS y JOIN recall_onward_notices AS w ON w.id = y.onward_notice_id JOIN recall_notices AS n ON n.id = w.notice_id
     WHERE w.recall_id = ?${distributorOrganisationId ? ' AND n.distributor_organisation_id = ?' : ''} ORDER BY y.id`,
    distributorOrganisationId ? [recallId, distributorOrganisationId] : [recallId],
  );
  // QA's effectiveness checks are the manufacturer's own: not re-verified on a distributor's page.
  const outcomes = distributorOrganisationId
    ? []
    : await db.all<{ id: string }>('SELECT id FROM recall_effectiveness_outcomes WHERE recall_id = ? ORDER BY id', [recallId]);
  return [
    ...(await checkRecordHashes(db, 'recall', [recallId])).filter((f) => !distributorOrganisationId || f.type !== 'recall_effectiveness_check'),
    ...(await checkRecordHashes(db, 'recall_effectiveness_outcome', outcomes.map((o) => o.id))),
    ...(await checkRecordHashes(db, 'recall_acknowledgement', replies.map((r) => r.id))),
    ...(await checkRecordHashes(db, 'recall_notice_revision', (await db.all<{ id: string }>('SELECT id FROM recall_notice_revisions WHERE recall_id = ? ORDER BY id', [recallId])).map((r) => r.id))),
    ...(await checkRecordHashes(db, 'recall_onward_reply', onwardReplies.map((r) => r.id))),
    ...(await checkRecordHashes(db, 'shipment', shipments.map((s) => s.id))),
  ];
}
