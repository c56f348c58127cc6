import type { Db } from '../../db/index.ts';
import { readPartnerCertificates, type PartnerCertificate } from './partner-certificates.ts';
import { partnerFromRow, partnerSelect, type EdiPartner, type PartnerRow } from './partner-profile.ts';

export type FoundPartner = EdiPartner & { certificates: PartnerCertificate[] };

async function withCertificates(db: Pick<Db, 'all'>, row: PartnerRow | undefined, now: Date): Promise<FoundPartner | undefined> {
  if (!row) return undefined;
  const certificates = (await readPartnerCertificates(db, [row.id], now)).get(row.id)!.filter((c) => c.removedAt === null);
  return { ...partnerFromRow(row), certificates };
}

/**
 * The partner an inbound AS2 message names in AS2-From (compared byte for byte, RFC 4130),
 * with its current certificates; for the gateway itself, so no actor. Disabled partners are
 * returned too: the caller refuses them with a reason.
 */
export async function findPartnerByAs2Id(db: Pick<Db, 'all' | 'get'>, as2Id: string, now: Date): Promise<FoundPartner | undefined> {
  return withCertificates(db, await db.get<PartnerRow>(`${partnerSelect} WHERE p.as2_id = ?`, [as2Id]), now);
}

/** The partner an interchange's UNB sender (S002 id + qualifier) names. */
export async function findPartnerByEdiId(db: Pick<Db, 'all' | 'get'>, ediId: string, qualifier: string, now: Date): Promise<FoundPartner | undefined> {
  return withCertificates(db, await db.get<PartnerRow>(`${partnerSelect} WHERE p.edi_id = ? AND p.edi_qualifier = ?`, [ediId, qualifier]), now);
}
