import type { UseCaseContext } from '../../context.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { AppError, problem, refusal, type Problems } from '../../errors.ts';
import { internalTargetProblem } from '../../net/internal-target.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import {
  as2UrlProblem,
  columnValue,
  optionColumns,
  parseEdiId,
  partnerFromRow,
  partnerSelect,
  partnerStates,
  readOptions,
  type EdiPartner,
  type PartnerOptions,
  type PartnerRow,
  type PartnerState,
} from './partner-profile.ts';

export interface UpdatePartnerInput {
  partnerId: string;
  /** An empty string removes the URL (nothing can then be sent to the partner). */
  as2Url?: string;
  /** The administrator says the AS2 URL is inside our network (see addPartner); left as it is when not given. */
  as2UrlInternal?: boolean;
  /** "ID[:QUALIFIER]"; an empty string removes it. */
  ediId?: string;
  state?: string;
  options?: Partial<Record<keyof PartnerOptions, unknown>>;
  reason?: string;
}

type Changes = Record<string, { column: string; value: unknown }>;

/**
 * Changes a partner's profile (URL, EDI id, state, security and MDN options). Only what
 * differs is written; the audit entry holds the old and the new value of each change.
 */
export async function updatePartner(ctx: UseCaseContext, by: Operator, input: UpdatePartnerInput): Promise<{ partner: EdiPartner; changed: string[] }> {
  const { actor } = authoriseOperator(by);
  const problems: Problems = {};
  const wanted: Changes = {};

  if (input.as2Url !== undefined) {
    const url = input.as2Url.trim() || null;
    const urlProblem = url ? as2UrlProblem(url) : undefined;
    if (urlProblem) problems.as2Url = urlProblem;
    else wanted.as2Url = { column: 'as2_url', value: url };
  }
  if (input.as2UrlInternal !== undefined) wanted.as2UrlInternal = { column: 'as2_url_internal', value: input.as2UrlInternal === true };
  let edi: { id: string | null; qualifier: string } | undefined;
  if (input.ediId !== undefined) {
    if (!input.ediId.trim()) edi = { id: null, qualifier: '' };
    else {
      const parsed = parseEdiId(input.ediId);
      if ('problem' in parsed) problems.ediId = parsed.problem;
      else edi = parsed;
    }
    if (edi) {
      wanted.ediId = { column: 'edi_id', value: edi.id };
      wanted.ediQualifier = { column: 'edi_qualifier', value: edi.qualifier };
    }
  }
  if (input.state !== undefined) {
    if (partnerStates.includes(input.state as PartnerState)) wanted.state = { column: 'state', value: input.state };
    else problems.state = problem('partners.notOneOf', { choices: partnerStates.join(', '), value: input.state });
  }
  for (const [name, value] of Object.entries(readOptions(input.options ?? {}, problems, 'options.'))) {
    wanted[name] = { column: optionColumns[name as keyof PartnerOptions], value };
  }

  // The URL the partner will have, against the mark it will have: a new URL, or a mark taken
  // away. Resolved before the transaction: no write lock waits on DNS.
  if (!problems.as2Url && (wanted.as2Url || wanted.as2UrlInternal)) {
    const current = await ctx.db.get<{ as2_url: string | null; as2_url_internal: number }>('SELECT as2_url, as2_url_internal FROM edi_partners WHERE id = ?', [input.partnerId]);
    const url = (wanted.as2Url ? wanted.as2Url.value : current?.as2_url) as string | null | undefined;
    const internal = (wanted.as2UrlInternal ? wanted.as2UrlInternal.value : current?.as2_url_internal === 1) as boolean;
    const found = url ? await internalTargetProblem(url, internal) : undefined;
    if (found) problems.as2Url = found;
  }

  return ctx.db.transaction(async (tx) => {
    const row = await tx.get<PartnerRow>(`${partnerSelect} WHERE p.id = ?`, [input.partnerId]);
    if (!row) throw new AppError('not_found', `no EDI partner has the id "${input.partnerId}"`);
    if (edi?.id) {
      const taken = await tx.get<{ as2_id: string }>('SELECT as2_id FROM edi_partners WHERE edi_id = ? AND edi_qualifier = ? AND id <> ?', [edi.id, edi.qualifier, row.id]);
      if (taken) problems.ediId = problem('partners.ediIdTakenByPartner', { ediId: `${edi.id}${edi.qualifier ? ':' + edi.qualifier : ''}`, as2Id: taken.as2_id });
    }
    if (Object.keys(problems).length) throw refusal('invalid_input', `partner "${row.as2_id}" was not changed`, problems);

    const before = partnerFromRow(row) as unknown as Record<string, unknown>;
    const oldValues: Record<string, unknown> = {};
    const newValues: Record<string, unknown> = {};
    for (const [name, change] of Object.entries(wanted)) {
      if (before[name] === change.value) continue;
      oldValues[name] = before[name];
      newValues[name] = change.value;
    }
    const changed = Object.keys(newValues);
    if (changed.length === 0) return { partner: partnerFromRow(row), changed };

    const now = ctx.clock.now().toISOString();
    const sets = changed.map((name) => `${wanted[name]!.column} = ?`);
    await tx.run(`UPDATE edi_partners SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`, [...changed.map((n) => columnValue(newValues[n])), now, row.id]);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId: row.organisation_id,
      action: 'edi_partner.updated',
      entityType: 'edi_partner',
      entityId: row.id,
      oldValues,
      newValues,
      reason: input.reason?.trim() || undefined,
      requestId: ctx.requestId,
    });
    const updated = (await tx.get<PartnerRow>(`${partnerSelect} WHERE p.id = ?`, [row.id]))!;
    return { partner: partnerFromRow(updated), changed };
  });
}
