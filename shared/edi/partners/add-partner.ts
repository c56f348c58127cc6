import type { UseCaseContext } from '../../context.ts';
import type { Tx } from '../../db/index.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { AuditActor } from '../../audit/entry.ts';
import { problem, refusal, type Problems } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { internalTargetProblem } from '../../net/internal-target.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import {
  certificateAuditValues,
  certificateWarnings,
  checkCertificateUpload,
  insertPartnerCertificate,
  readPartnerCertificates,
  type CertificateUpload,
  type CheckedCertificate,
  type PartnerCertificate,
} from './partner-certificates.ts';
import {
  as2IdProblem,
  as2UrlProblem,
  defaultPartnerOptions,
  parseEdiId,
  partnerFromRow,
  partnerKinds,
  partnerSelect,
  readOptions,
  type EdiPartner,
  type PartnerKind,
  type PartnerOptions,
  type PartnerRow,
} from './partner-profile.ts';

export interface AddPartnerInput {
  /** Attach the partner to this existing supplier or distributor organisation… */
  organisationId?: string;
  /** …or to the organisation of this name, created (with `kind`) when there is none. */
  name?: string;
  kind?: string;
  as2Id: string;
  as2Url?: string;
  /** The administrator says the partner's AS2 server is inside our network: only then may as2Url be at a private or loopback address. */
  as2UrlInternal?: boolean;
  /** UNB sender identification, "ID" or "ID:QUALIFIER" (e.g. 4012345000009:14). */
  ediId?: string;
  certificates?: CertificateUpload[];
  options?: Partial<Record<keyof PartnerOptions, unknown>>;
}

export interface AddPartnerResult {
  partner: EdiPartner;
  certificates: PartnerCertificate[];
  organisationCreated: boolean;
  /** Things accepted that the operator should know (a certificate not valid yet, or expiring soon). */
  warnings: string[];
}

/** Finds or creates the partner's organisation; problems go to `problems`. */
async function resolveOrganisation(
  tx: Tx,
  input: AddPartnerInput,
  problems: Problems,
): Promise<{ id: string; name: string; kind: PartnerKind } | { create: { name: string; kind: PartnerKind } } | undefined> {
  if (input.organisationId) {
    const org = await tx.get<{ id: string; name: string; kind: string }>('SELECT id, name, kind FROM organisations WHERE id = ?', [input.organisationId]);
    if (!org) problems.organisationId = problem('partners.unknownOrganisation', { id: input.organisationId });
    else if (!partnerKinds.includes(org.kind as PartnerKind)) problems.organisationId = problem('partners.notPartnerKind', { name: org.name });
    else return org as { id: string; name: string; kind: PartnerKind };
    return undefined;
  }
  const name = input.name?.trim() ?? '';
  if (!name) {
    problems.name = problem('partners.nameRequired');
    return undefined;
  }
  const kind = input.kind?.trim() ?? '';
  const existing = await tx.all<{ id: string; name: string; kind: string }>('SELECT id, name, kind FROM organisations WHERE name = ?', [name]);
  if (existing.length > 1) {
    problems.name = problem('partners.ambiguousName', { count: existing.length, name });
    return undefined;
  }
  const org = existing[0];
  if (org) {
    if (!partnerKinds.includes(org.kind as PartnerKind)) problems.name = problem('partners.notPartnerKind', { name });
    else if (kind && kind !== org.kind) problems.kind = problem(org.kind === 'supplier' ? 'partners.existsAsSupplier' : 'partners.existsAsDistributor', { name });
    else return org as { id: string; name: string; kind: PartnerKind };
    return undefined;
  }
  if (!partnerKinds.includes(kind as PartnerKind)) {
    problems.kind = kind
      ? problem('partners.notOneOf', { choices: partnerKinds.join(', '), value: kind })
      : problem('partners.kindRequired', { name, choices: partnerKinds.join(', ') });
    return undefined;
  }
  return { create: { name, kind: kind as PartnerKind } };
}

async function createOrganisationIn(tx: Tx, ctx: UseCaseContext, actor: AuditActor, org: { name: string; kind: PartnerKind }, now: string): Promise<string> {
  const id = newId('org');
  await tx.run('INSERT INTO organisations (id, name, kind, created_at) VALUES (?, ?, ?, ?)', [id, org.name, org.kind, now]);
  await recordAudit(tx, ctx.clock, {
    actor,
    organisationId: id,
    action: 'organisation.created',
    entityType: 'organisation',
    entityId: id,
    newValues: { name: org.name, kind: org.kind, erpId: null },
    reason: 'created for a new EDI partner',
    requestId: ctx.requestId,
  });
  return id;
}

/**
 * Adds an EDI partner: its AS2 identity, where we send, its EDIFACT sender id, its
 * certificates and its security options. Every problem is reported at once, by field path
 * (`as2Id`, `certificates[1]`, `options.mdn` …); nothing is written unless all is well.
 */
export async function addPartner(ctx: UseCaseContext, by: Operator, input: AddPartnerInput): Promise<AddPartnerResult> {
  const { actor } = authoriseOperator(by);
  const now = ctx.clock.now();
  const problems: Problems = {};

  const as2Id = input.as2Id ?? '';
  const as2Problem = as2IdProblem(as2Id);
  if (as2Problem) problems.as2Id = as2Problem;
  const as2Url = input.as2Url?.trim() || null;
  const as2UrlInternal = input.as2UrlInternal === true;
  const urlProblem = as2Url ? as2UrlProblem(as2Url) : undefined;
  if (urlProblem) problems.as2Url = urlProblem;
  const internalProblem = as2Url && !urlProblem ? await internalTargetProblem(as2Url, as2UrlInternal) : undefined;
  if (internalProblem) problems.as2Url = internalProblem;
  let edi: { id: string; qualifier: string } | null = null;
  if (input.ediId?.trim()) {
    const parsed = parseEdiId(input.ediId);
    if ('problem' in parsed) problems.ediId = parsed.problem;
    else edi = parsed;
  }
  const options = { ...defaultPartnerOptions, ...readOptions(input.options ?? {}, problems, 'options.') };

  const checked: CheckedCertificate[] = [];
  const seen = new Map<string, number>();
  (input.certificates ?? []).forEach((upload, i) => {
    const c = checkCertificateUpload(upload, `certificates[${i}]`, now, problems);
    if (!c) return;
    const twin = seen.get(c.parsed.fingerprintSha256);
    if (twin !== undefined) problems[`certificates[${i}]`] = problem('partners.sameCertificate', { file: upload.fileName, other: `certificates[${twin}]` });
    else {
      seen.set(c.parsed.fingerprintSha256, i);
      checked.push(c);
    }
  });

  const nowIso = now.toISOString();
  const result = await ctx.db.transaction(async (tx) => {
    const org = await resolveOrganisation(tx, input, problems);
    if (!as2Problem) {
      const taken = await tx.get<{ name: string }>(
        'SELECT o.name FROM edi_partners p JOIN organisations o ON o.id = p.organisation_id WHERE p.as2_id = ?',
        [as2Id],
      );
      if (taken) problems.as2Id = problem('partners.as2IdTaken', { as2Id, owner: taken.name });
    }
    if (edi) {
      const taken = await tx.get<{ name: string }>(
        'SELECT o.name FROM edi_partners p JOIN organisations o ON o.id = p.organisation_id WHERE p.edi_id = ? AND p.edi_qualifier = ?',
        [edi.id, edi.qualifier],
      );
      if (taken) problems.ediId = problem('partners.ediIdTaken', { ediId: `${edi.id}${edi.qualifier ? ':' + edi.qualifier : ''}`, owner: taken.name });
    }
    if (Object.keys(problems).length || !org) throw refusal('invalid_input', `the EDI partner "${as2Id}" is not valid`, problems);

    const organisationCreated = 'create' in org;
    const organisationId = 'create' in org ? await createOrganisationIn(tx, ctx, actor, org.create, nowIso) : org.id;
    const id = newId('edip');
    await tx.run(
      `INSERT INTO edi_partners (id, organisation_id, as2_id, as2_url, as2_url_internal, edi_id, edi_qualifier, require_signed, require_encrypted, compress,
                                 encryption_algorithm, signing_algorithm, signature_padding, key_transport, mdn, mdn_signed,
                                 max_compression_layers, async_mdn_hosts, async_mdn_private, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
      [
        id,
        organisationId,
        as2Id,
        as2Url,
        as2UrlInternal ? 1 : 0,
        edi?.id ?? null,
        edi?.qualifier ?? '',
        options.requireSigned ? 1 : 0,
        options.requireEncrypted ? 1 : 0,
        options.compress ? 1 : 0,
        options.encryptionAlgorithm,
        options.signingAlgorithm,
        options.signaturePadding,
        options.keyTransport,
        options.mdn,
        options.mdnSigned ? 1 : 0,
        options.maxCompressionLayers,
        options.asyncMdnHosts,
        options.asyncMdnPrivate ? 1 : 0,
        nowIso,
        nowIso,
      ],
    );
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId,
      action: 'edi_partner.created',
      entityType: 'edi_partner',
      entityId: id,
      newValues: { as2Id, as2Url, as2UrlInternal, ediId: edi?.id ?? null, ediQualifier: edi?.qualifier ?? '', state: 'active', ...options },
      requestId: ctx.requestId,
    });
    for (const c of checked) {
      const certificateId = await insertPartnerCertificate(tx, id, c, nowIso);
      await recordAudit(tx, ctx.clock, {
        actor,
        organisationId,
        action: 'edi_partner_certificate.added',
        entityType: 'edi_partner_certificate',
        entityId: certificateId,
        newValues: { partnerId: id, as2Id, ...certificateAuditValues(c) },
        requestId: ctx.requestId,
      });
    }
    const row = (await tx.get<PartnerRow>(`${partnerSelect} WHERE p.id = ?`, [id]))!;
    const certificates = (await readPartnerCertificates(tx, [id], now)).get(id)!;
    return { partner: partnerFromRow(row), certificates, organisationCreated };
  });

  return { ...result, warnings: certificateWarnings(checked, now) };
}
