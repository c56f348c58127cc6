import type { Tx } from '../db/index.ts';
import { problem, type Problems } from '../errors.ts';

// What every field safety notice carries besides the recall's reason, actions and lots
// (21 CFR 7.49: product identification (c)(1)(ii), reason and hazard (c)(1)(iii), instructions
// (c)(1)(iv) led by stopping distribution and use (a)(2), passing the notice on (a)(3);
// MDCG 2023-3 FSN template: section 1 device, section 2 reason and hazard, section 3 actions,
// section 4 general information: FSN reference and type, SRN, competent authority informed,
// transmission of the FSN, contact). The FSN reference, type and revision are notice-revisions.ts's.
// The recall's own values (payload: contact, srn, competentAuthorities) come first and are signed with it; the
// manufacturer's setting (organisations.notice_contact_*, srn) and the item master fill the rest.

export interface NoticeContact {
  name?: string;
  email?: string;
  phone?: string;
}

export interface CompetentAuthority {
  /** The authority and its member state as the manufacturer names it, e.g. "BfArM (DE)". */
  name: string;
  /** YYYY-MM-DD it was informed. */
  informedOn?: string;
}

/** The item master's names of one GTIN: trade name (else its description) and model/size. */
export interface ProductIdentity {
  tradeName?: string;
  model?: string;
}

export interface NoticeParts {
  /** Whom to ask: the recall's contact, else the manufacturer's setting; null when neither gives one. */
  contact: NoticeContact | null;
  /** The manufacturer's Single Registration Number (EU MDR Art. 31), when known. */
  srn?: string;
  /** The competent authorities informed (printed as the MDCG 2023-3 statement); empty when not given. */
  authorities: CompetentAuthority[];
}

export const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const phoneShape = /^\+?[0-9 ()./-]{3,30}$/;
/** EUDAMED actor SRN: country, actor type (MF manufacturer, AR, IM, PR), nine digits. */
export const srnShape = /^[A-Z]{2}-(MF|AR|IM|PR)-\d{9}$/;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** A contact as typed, trimmed, with its problems under the form's field names (`names`). */
export function checkContact(input: NoticeContact, fields: Problems, names: Record<keyof NoticeContact, string> = { name: 'contactName', email: 'contactEmail', phone: 'contactPhone' }): NoticeContact {
  const contact: NoticeContact = {};
  const name = input.name?.trim();
  const email = input.email?.trim().toLowerCase();
  const phone = input.phone?.trim();
  if (name) contact.name = name;
  if (email) contact.email = email;
  if (phone) contact.phone = phone;
  if (name && name.length > 200) fields[names.name] = problem('noticeContent.tooLong', { max: 200 });
  if (email && (!emailShape.test(email) || email.length > 254)) fields[names.email] = problem('noticeContent.badEmail');
  if (phone && !phoneShape.test(phone)) fields[names.phone] = problem('noticeContent.badPhone');
  return contact;
}

/** The authorities informed, one name per line, and the date they were informed; problems under `authorities` / `authoritiesInformedOn`. */
export function checkAuthorities(names: string[], informedOn: string | undefined, today: string, fields: Problems): CompetentAuthority[] {
  const kept = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  const on = informedOn?.trim();
  if (kept.some((n) => n.length > 200)) fields.authorities = problem('noticeContent.tooLong', { max: 200 });
  if (on && (!/^\d{4}-\d{2}-\d{2}$/.test(on) || Number.isNaN(Date.parse(on)) || on > today)) fields.authoritiesInformedOn = problem('noticeContent.badDate');
  else if (on && !kept.length) fields.authorities = problem('noticeContent.authoritiesMissing');
  else if (!on && kept.length) fields.authoritiesInformedOn = problem('noticeContent.dateMissing');
  return kept.map((name) => ({ name, ...(on ? { informedOn: on } : {}) }));
}

function readContact(v: unknown): NoticeContact | null {
  if (!v || typeof v !== 'object') return null;
  const c = v as Record<string, unknown>;
  const contact: NoticeContact = {};
  for (const k of ['name', 'email', 'phone'] as const) {
    const value = text(c[k]);
    if (value) contact[k] = value;
  }
  return Object.keys(contact).length ? contact : null;
}

/** The contact, SRN and authorities of a recall's notices (see above). */
export async function readNoticeParts(db: Tx, payload: Record<string, unknown>): Promise<NoticeParts> {
  const org = await db.get<{ notice_contact_name: string | null; notice_contact_email: string | null; notice_contact_phone: string | null; srn: string | null }>(
    "SELECT notice_contact_name, notice_contact_email, notice_contact_phone, srn FROM organisations WHERE kind = 'manufacturer' ORDER BY created_at, id LIMIT 1",
  );
  const contact = readContact(payload.contact) ?? readContact({ name: org?.notice_contact_name, email: org?.notice_contact_email, phone: org?.notice_contact_phone });
  const authorities = Array.isArray(payload.competentAuthorities)
    ? (payload.competentAuthorities as unknown[]).flatMap((a) => {
        const name = text((a as { name?: unknown } | null)?.name) ?? text(a);
        const informedOn = text((a as { informedOn?: unknown } | null)?.informedOn);
        return name ? [{ name, ...(informedOn ? { informedOn } : {}) }] : [];
      })
    : [];
  return {
    contact,
    srn: text(payload.srn) ?? org?.srn ?? undefined,
    authorities,
  };
}

/** Trade name (else the item's description) and model/size per GTIN-14, from the ERP's item master. */
export async function productIdentities(db: Tx, gtins: string[]): Promise<Map<string, ProductIdentity>> {
  const rows = await db.all<{ gtin: string; description: string; trade_name: string | null; model: string | null }>(
    'SELECT gtin, description, trade_name, model FROM items WHERE gtin IN (SELECT value FROM json_each(?))',
    [JSON.stringify(gtins)],
  );
  return new Map(rows.map((r) => [r.gtin, { tradeName: text(r.trade_name) ?? text(r.description), ...(text(r.model) ? { model: text(r.model) } : {}) }]));
}
