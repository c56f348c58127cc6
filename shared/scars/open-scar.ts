import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { actorTimeZone, asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { problem, refusal, term, type Problems } from '../errors.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { todayIn } from '../time-zone.ts';
import { newId } from '../ids.ts';
import { scarSteps, type ScarDetail, type ScarLinkKind, type ScarSeverity, type ScarStep } from './scar.ts';
import { decideScars, linkKinds, loadScarDetail, manifestation, scarDecisionHash, scarSelect, severities, type ScarRow } from './scar-record.ts';
import { isDate } from './check-scar-answer.ts';
import { scarEventData } from './scar-event.ts';
import { queueScarMails, scarTerm } from './scar-mail.ts';

export interface OpenScarInput {
  supplierId: string;
  title: string;
  problem: string;
  severity: string;
  /** What the SCAR is about: lots (a rejected lot), certificates, recalls, each of the supplier's own. */
  links: { kind: ScarLinkKind | string; refId: string }[];
  /** Every step's due date (YYYY-MM-DD), D1..D8, none before today, none before the previous step's. */
  dueDates: Partial<Record<ScarStep, string>>;
  /** From when effectiveness may be verified (YYYY-MM-DD), on or after D8's due date. */
  verifyAfter: string;
  credential: SignerCredential;
  /** The portal's origin, for the link in the supplier's mail. */
  portalUrl?: string;
}

export const maxLinks = 50;

/**
 * Whether a lot, certificate or recall is the supplier's: its lot, its certificate, or a recall
 * naming one of its lots (or, for a product without lots listed, a GTIN it supplied lots of).
 * undefined when there is no such record.
 */
export async function linkBelongsTo(db: Tx, kind: ScarLinkKind, refId: string, supplierId: string): Promise<boolean | undefined> {
  if (kind === 'lot' || kind === 'certificate') {
    const row = await db.get<{ organisation_id: string }>(`SELECT organisation_id FROM ${kind === 'lot' ? 'lots' : 'certificates'} WHERE id = ?`, [refId]);
    return row ? row.organisation_id === supplierId : undefined;
  }
  const recall = await db.get<{ payload: string }>('SELECT payload FROM recalls WHERE id = ?', [refId]);
  if (!recall) return undefined;
  const products = (JSON.parse(recall.payload) as { products?: { gtin?: string; lots?: string[] }[] }).products ?? [];
  for (const p of products) {
    if (!p.gtin) continue;
    const gtin = toGtin14(p.gtin);
    const lots = p.lots ?? [];
    const found = lots.length
      ? await db.get(`SELECT 1 FROM lots WHERE organisation_id = ? AND gtin = ? AND lot IN (${lots.map(() => '?').join(', ')}) LIMIT 1`, [supplierId, gtin, ...lots])
      : await db.get('SELECT 1 FROM lots WHERE organisation_id = ? AND gtin = ? LIMIT 1', [supplierId, gtin]);
    if (found) return true;
  }
  return false;
}

/** The next number of the year: SCAR-2026-0007. */
async function nextNumber(tx: Tx, year: string): Promise<string> {
  const prefix = `SCAR-${year}-`;
  const row = await tx.get<{ last: number | null }>('SELECT MAX(CAST(substr(number, ?) AS INTEGER)) AS last FROM scars WHERE number LIKE ?', [prefix.length + 1, `${prefix}%`]);
  return `${prefix}${String((row?.last ?? 0) + 1).padStart(4, '0')}`;
}

/**
 * Manufacturer QA opens a SCAR against a supplier, tied to lots, certificates or recalls of that
 * supplier, with the problem, the severity, a due date per 8D step and the date from which
 * effectiveness may be verified; signed (meaning authorship) over all of it. The SCAR, its
 * links and eight steps, the signature, the audit entry, scar.opened and the supplier's mail
 * commit together. Problems as data: `supplierId`, `title`, `problem`, `severity`,
 * `links` / `links.<i>`, `dueDates.<step>`, `verifyAfter`, `password`.
 */
export async function openScar(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: OpenScarInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  decideScars.require(actor);
  const fields: Problems = {};
  const title = input.title?.trim() ?? '';
  const problemText = input.problem?.trim() ?? '';
  if (!title) fields.title = problem('scar-rules.required');
  else if (title.length > 200) fields.title = problem('common.tooLong', { max: 200 });
  if (!problemText) fields.problem = problem('scar-rules.required');
  else if (problemText.length > 4000) fields.problem = problem('common.tooLong', { max: 4000 });
  const severity = severities.find((s) => s === input.severity) as ScarSeverity | undefined;
  if (!severity) fields.severity = problem('scar-rules.badSeverity');
  const supplier = input.supplierId
    ? await ctx.db.get<{ id: string; name: string }>("SELECT id, name FROM organisations WHERE id = ? AND kind = 'supplier'", [input.supplierId])
    : undefined;
  if (!supplier) fields.supplierId = problem('scar-rules.unknownSupplier');

  const links: { kind: ScarLinkKind; refId: string }[] = [];
  const seen = new Set<string>();
  const given = input.links ?? [];
  if (given.length === 0) fields.links = problem('scar-rules.linkRequired');
  else if (given.length > maxLinks) fields.links = problem('scar-rules.tooMany', { max: maxLinks });
  else {
    for (const [i, l] of given.entries()) {
      const kind = linkKinds.find((k) => k === l.kind);
      const refId = typeof l.refId === 'string' ? l.refId.trim() : '';
      if (!kind || !refId) {
        fields[`links.${i}`] = problem('scar-rules.badLinkKind');
        continue;
      }
      if (seen.has(`${kind}:${refId}`)) continue;
      seen.add(`${kind}:${refId}`);
      if (supplier) {
        const belongs = await linkBelongsTo(ctx.db, kind, refId, supplier.id);
        const kindTerm = term(`scar-rules.link.${kind}`);
        if (belongs === undefined) fields[`links.${i}`] = problem('scar-rules.linkUnknown', { kind: kindTerm });
        else if (!belongs) fields[`links.${i}`] = problem('scar-rules.linkNotSupplier', { kind: kindTerm });
      }
      links.push({ kind, refId });
    }
  }

  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const dueDates = {} as Record<ScarStep, string>;
  let previous: string | undefined;
  for (const step of scarSteps) {
    const due = input.dueDates?.[step]?.trim() ?? '';
    dueDates[step] = due;
    if (!due) fields[`dueDates.${step}`] = problem('scar-rules.required');
    else if (!isDate(due)) fields[`dueDates.${step}`] = problem('scar-rules.badDate');
    else if (due < today) fields[`dueDates.${step}`] = problem('scar-rules.dueInPast', { today });
    else if (previous && due < previous) fields[`dueDates.${step}`] = problem('scar-rules.dueBeforePrevious', { date: previous });
    if (isDate(due)) previous = due;
  }
  const verifyAfter = input.verifyAfter?.trim() ?? '';
  if (!verifyAfter) fields.verifyAfter = problem('scar-rules.required');
  else if (!isDate(verifyAfter)) fields.verifyAfter = problem('scar-rules.badDate');
  else if (isDate(dueDates.D8) && verifyAfter < dueDates.D8) fields.verifyAfter = problem('scar-rules.verifyBeforeD8', { date: dueDates.D8 });
  if ('password' in input.credential && !input.credential.password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length || !supplier || !severity) throw refusal('invalid_input', 'the SCAR cannot be opened as entered', fields);

  const id = newId('scar');
  const opened = { supplierId: supplier.id, title, problem: problemText, severity, links, dueDates, verifyAfter };
  const hash = scarDecisionHash({ id }, 'open', opened);
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'authorship', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'scar', entityId: id, recordHash: hash, meaning: 'authorship', reason: title, requestId: ctx.requestId });
    const now = signature.signedAt;
    const number = await nextNumber(tx, now.slice(0, 4));
    await tx.run(
      `INSERT INTO scars (id, number, supplier_id, title, problem, severity, state, opened_by, opened_at, open_signature_id, verify_after, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
      [id, number, supplier.id, title, problemText, severity, actor.userId, now, signature.id, verifyAfter, now],
    );
    for (const l of links) await tx.run('INSERT INTO scar_links (scar_id, kind, ref_id) VALUES (?, ?, ?)', [id, l.kind, l.refId]);
    for (const step of scarSteps) await tx.run('INSERT INTO scar_steps (scar_id, step, due_date) VALUES (?, ?, ?)', [id, step, dueDates[step]]);
    const row = (await tx.get<ScarRow>(`${scarSelect} WHERE s.id = ?`, [id]))!;
    const scar = await loadScarDetail(tx, row, today);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: supplier.id,
      action: 'scar.opened',
      entityType: 'scar',
      entityId: id,
      newValues: { number, ...opened, state: 'open', signature: signature.id, recordHash: hash },
      reason: title,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'scar.opened',
      aggregateType: 'scar',
      aggregateId: id,
      organisationId: supplier.id,
      data: scarEventData(row, {
        problem: problemText,
        links: scar.links,
        steps: scarSteps.map((step) => ({ step, dueDate: dueDates[step] })),
        verifyAfter,
        openedAt: now,
        signature: manifestation(signature),
      }),
    });
    await queueScarMails(tx, ctx.clock, {
      purpose: 'scar.opened',
      text: 'opened',
      scar: { id, number, supplierId: supplier.id },
      to: [{ supplier: supplier.id }],
      params: (locale) => ({ number, title, problem: problemText, manufacturer: actor.organisationName, severity: scarTerm(locale, `scar-rules.severity.${severity}`), due: dueDates.D1 }),
      portalUrl: input.portalUrl,
    });
    return { scar, signature };
  });
}
