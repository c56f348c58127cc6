import { pagedRows } from '../db/paged-rows.ts';
import { keysetRows, type KeysetAfter } from '../db/keyset-rows.ts';
import { listSupplierNames } from '../organisations/list-supplier-names.ts';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { requireRole } from '../auth/actor.ts';
import { certificateListPermissions } from './certificate-permissions.ts';
import { certificateScope, isCertificateState, isCertificateType, type CertificateState, type CertificateType } from './certificate.ts';

export interface CertificateQuery {
  /** One state; without it every version but the superseded ones (those show under their own filter). */
  state?: string;
  type?: string;
  /** Manufacturer staff only: one supplier's certificates. */
  supplierId?: string;
  /** Only each certificate's newest version (e.g. a rejected one nobody has submitted again yet). */
  latest?: boolean;
  sort?: 'submitted' | 'valid_to';
  order?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

/** A keyset page (the REST API): the versions after `after` (from the start when null), at most `limit` (1–200). */
export interface CertificateKeysetQuery extends Omit<CertificateQuery, 'page' | 'pageSize'> {
  after: KeysetAfter | null;
  limit: number;
}

export interface CertificateListItem {
  id: string;
  seriesId: string;
  version: number;
  type: CertificateType;
  number: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  state: CertificateState;
  submittedAt: string;
  decidedAt: string | null;
  supplier: { organisationId: string; name: string };
}

export interface CertificateList {
  items: CertificateListItem[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Whether the actor is manufacturer staff, who see every supplier's certificates (a supplier: only its own). */
  staff: boolean;
  /** For the supplier filter of manufacturer staff; empty for a supplier. */
  suppliers: { id: string; name: string }[];
  /** What the page offers this actor: submitting a certificate. */
  permissions: { upload: boolean };
}

export interface CertificateKeysetList {
  items: CertificateListItem[];
  /** Where the next page starts (its sort key: the submission time or the end of validity); null on the last page. */
  next: KeysetAfter | null;
  permissions: { upload: boolean };
}

/**
 * Certificate versions: a supplier user sees its own organisation's, manufacturer QA and
 * administrators every supplier's (QA's review queue is the `submitted` filter). Filters by
 * state, type and supplier; sorted by submission time or expiry, then id (a total order); paged
 * by page number (the portal) or, given `after`, by keyset (the REST API).
 */
export async function listCertificates(ctx: UseCaseContext, actor: Actor, query?: CertificateQuery): Promise<CertificateList>;
export async function listCertificates(ctx: UseCaseContext, actor: Actor, query: CertificateKeysetQuery): Promise<CertificateKeysetList>;
export async function listCertificates(ctx: UseCaseContext, actor: Actor, query: CertificateQuery | CertificateKeysetQuery = {}): Promise<CertificateList | CertificateKeysetList> {
  requireRole(actor, 'supplier_user', 'manufacturer_qa', 'manufacturer_admin');
  const scope = certificateScope(actor)!;
  const where = [scope.sql];
  const args: (string | number)[] = [...scope.args];
  if (isCertificateState(query.state)) {
    where.push('c.state = ?');
    args.push(query.state);
  } else {
    where.push("c.state != 'superseded'");
  }
  if (isCertificateType(query.type)) {
    where.push('c.type = ?');
    args.push(query.type);
  }
  const staff = actor.organisationKind === 'manufacturer';
  if (staff && query.supplierId) {
    where.push('c.organisation_id = ?');
    args.push(query.supplierId);
  }
  if (query.latest) where.push('NOT EXISTS (SELECT 1 FROM certificates n WHERE n.series_id = c.series_id AND n.version > c.version)');
  const key = query.sort === 'valid_to' ? 'c.valid_to' : 'c.submitted_at';
  const order = query.order === 'asc' ? 'ASC' : 'DESC';
  const clause = where.join(' AND ');
  const select = `c.id, c.series_id, c.version, c.type, c.number, c.issuer, c.valid_from, c.valid_to, c.state, c.submitted_at, c.decided_at,
             c.organisation_id, o.name AS supplier_name`;
  const from = 'FROM certificates c JOIN organisations o ON o.id = c.organisation_id';
  const permissions = certificateListPermissions(actor);

  if ('after' in query) {
    const { rows, next } = await keysetRows<CertificateListRow>(ctx.db, {
      select,
      from,
      where: [clause],
      args,
      key,
      id: 'c.id',
      order: query.order === 'asc' ? 'asc' : 'desc',
      after: query.after,
      limit: Math.min(Math.max(Math.trunc(query.limit), 1), 200),
    });
    return { items: rows.map(toListItem), next, permissions };
  }

  const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? 25), 1), 100);
  const { rows, total, page, pages } = await pagedRows<CertificateListRow>(ctx.db, {
    select,
    from: `${from} WHERE ${clause}`,
    args,
    count: `SELECT COUNT(*) AS n FROM certificates c WHERE ${clause}`,
    countArgs: args,
    orderBy: `${key} ${order}, c.id ${order}`,
    page: query.page ?? 1,
    pageSize,
  });
  const suppliers = staff ? await listSupplierNames(ctx.db) : [];
  return { items: rows.map(toListItem), total, page, pageSize, pages, staff, suppliers, permissions };
}

interface CertificateListRow {
  id: string;
  series_id: string;
  version: number;
  type: CertificateType;
  number: string;
  issuer: string;
  valid_from: string;
  valid_to: string;
  state: CertificateState;
  submitted_at: string;
  decided_at: string | null;
  organisation_id: string;
  supplier_name: string;
}

function toListItem(r: CertificateListRow): CertificateListItem {
  return {
    id: r.id,
    seriesId: r.series_id,
    version: r.version,
    type: r.type,
    number: r.number,
    issuer: r.issuer,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    state: r.state,
    submittedAt: r.submitted_at,
    decidedAt: r.decided_at,
    supplier: { organisationId: r.organisation_id, name: r.supplier_name },
  };
}
