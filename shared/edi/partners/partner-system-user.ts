// The technical user an EDI partner acts as. An AS2 message has no signed-in person, yet the
// use cases it feeds (submitLots, submitInvoice) take an Actor and the audit trail names one:
// each partner gets one user of its own, made on first use, a member of the partner's
// organisation in the organisation's role (supplier_user / distributor_user), so its records
// are scoped, checked and audited exactly as a person's of that organisation would be, and the
// trail says "EDI <AS2 id>" rather than a person who did not do it.
//
// It can never sign in: no password hash (password sign-in refuses a user without one, as it
// refuses a wrong password) and no passkey (a passkey can only be registered in a signed-in
// session). Its address is under .invalid (RFC 2606), so no mail reaches anybody and no person
// can claim it.
import type { Tx } from '../../db/index.ts';
import type { Clock } from '../../clock.ts';
import { rolesByKind, type Actor, type OrganisationKind } from '../../auth/actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';

export function partnerSystemEmail(partnerId: string): string {
  return `edi+${partnerId.toLowerCase()}@lotbridge.invalid`;
}

interface PartnerOrg {
  as2_id: string;
  organisation_id: string;
  organisation_name: string;
  kind: OrganisationKind;
  time_zone: string;
}

/** The partner's technical user as an Actor, created (with its audit entry) the first time. */
export async function partnerSystemActor(tx: Pick<Tx, 'get' | 'run'>, clock: Clock, partnerId: string): Promise<Actor> {
  const partner = await tx.get<PartnerOrg>(
    `SELECT p.as2_id, p.organisation_id, o.name AS organisation_name, o.kind, o.time_zone
       FROM edi_partners p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ?`,
    [partnerId],
  );
  if (!partner) throw new AppError('not_found', `no EDI partner ${partnerId}: its technical user cannot be made`);
  const role = rolesByKind[partner.kind][0];
  if (partner.kind === 'manufacturer' || !role) throw new AppError('conflict', `EDI partner "${partner.as2_id}" belongs to a ${partner.kind} organisation; only suppliers and distributors send EDI`);
  const email = partnerSystemEmail(partnerId);
  const displayName = `EDI ${partner.as2_id}`;
  const actor = (userId: string, name: string): Actor => ({
    userId,
    email,
    displayName: name,
    organisationId: partner.organisation_id,
    organisationName: partner.organisation_name,
    organisationKind: partner.kind,
    organisationTimeZone: partner.time_zone,
    role,
  });
  const existing = await tx.get<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE email = ?', [email]);
  if (existing) return actor(existing.id, existing.display_name);

  const id = newId('usr');
  const now = clock.now().toISOString();
  // password_hash NULL and no passkey row: nothing to sign in with.
  await tx.run('INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, NULL, ?)', [id, email, displayName, now]);
  await tx.run('INSERT INTO memberships (user_id, organisation_id, role, created_at) VALUES (?, ?, ?, ?)', [id, partner.organisation_id, role, now]);
  await recordAudit(tx as Tx, clock, {
    actor: { type: 'system', name: 'EDI inbound' },
    organisationId: partner.organisation_id,
    action: 'user.created',
    entityType: 'user',
    entityId: id,
    newValues: { email, displayName, role, technical: true, partnerId },
    reason: `technical user of EDI partner "${partner.as2_id}": records its interchanges create are made in its name; it cannot sign in`,
  });
  return actor(id, displayName);
}
