import type { Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';

export interface DistributorNotice {
  id: string;
  recallId: string;
  recallNumber: string;
  recallState: string;
  responseDeadline: string;
  distributorOrganisationId: string;
  /** The language the distributor's organisation receives its recall mails in first. */
  distributorLanguage: string;
  /** What kind of consignee it is for recalls: distributor, healthcare_facility or pharmacy (onward-terms.ts). */
  consigneeType: string;
  /** How the ERP knows the distributor (for events). */
  distributorRef: { organisationId: string; erpId?: string; name: string };
  /** The affected lots shipped to this distributor. */
  lots: { gtin: string; lot: string | null; quantityShipped: number }[];
}

/**
 * A notice as its distributor may see it. Another organisation's user gets `not_found`, the
 * same answer as for an id that does not exist, so notice ids reveal nothing.
 */
export async function noticeForDistributor(db: Tx, actor: Pick<Actor, 'organisationId'> | null, noticeId: string): Promise<DistributorNotice> {
  const row = await db.get<{ id: string; recall_id: string; recall_number: string; state: string; response_deadline: string; org: string; erp_id: string | null; name: string; language: string; consignee_type: string }>(
    `SELECT n.id, n.recall_id, r.recall_number, r.state, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, n.distributor_organisation_id AS org, o.erp_id, o.name, o.language, o.consignee_type
     FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id JOIN organisations AS o ON o.id = n.distributor_organisation_id
     WHERE n.id = ?`,
    [noticeId],
  );
  if (!row || (actor && row.org !== actor.organisationId)) throw new AppError('not_found', 'no such recall notice');
  const lots = await db.all<{ gtin: string; lot: string | null; quantityShipped: number }>(
    `SELECT gtin, lot, SUM(quantity_shipped) AS quantityShipped FROM recall_consignees
     WHERE recall_id = ? AND distributor_organisation_id = ? GROUP BY gtin, lot ORDER BY gtin, ifnull(lot, '')`,
    [row.recall_id, row.org],
  );
  return {
    id: row.id,
    recallId: row.recall_id,
    recallNumber: row.recall_number,
    recallState: row.state,
    responseDeadline: row.response_deadline,
    distributorOrganisationId: row.org,
    distributorLanguage: row.language,
    consigneeType: row.consignee_type,
    distributorRef: { organisationId: row.org, ...(row.erp_id ? { erpId: row.erp_id } : {}), name: row.name },
    lots,
  };
}
