import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { refusedEdifact } from '../edi/message-log/list-edi-messages.ts';
import { expiryWarningDays } from '../edi/partners/certificate-expiry.ts';
import { validationDriftEntry } from '../validation/drift-work-entry.ts';
import { firstFew, listHref, type WorkEntry, type WorkItem, type WorkKind, type WorkList } from './work-list.ts';

interface ItemRow {
  id: string;
  label: string;
  date: string | null;
}

/**
 * The manufacturer administrator's work, all of it the gateway's: webhook deliveries to the ERP
 * that gave up, AS2 messages that failed (a negative MDN either way) or that gave up being sent,
 * EDIFACT that could not be processed or that we refused (negative CONTRL, APERAK), mail that
 * could not be sent, and partner certificates and our own AS2 keys that expire within 30 days or
 * have expired, and the drift the nightly validation self-check found. Counts are of every such record (none is ever marked as dealt with; a replay or a
 * resend moves a delivery or message out of its failed state); each link is the log filtered to them.
 */
export async function adminWorkList(ctx: UseCaseContext, actor: Actor): Promise<WorkList> {
  requireRole(actor, 'manufacturer_admin');
  const now = ctx.clock.now();
  const soon = new Date(now.getTime() + expiryWarningDays * 86_400_000).toISOString();

  /** One entry: `from` is the FROM … WHERE of the records, `item` the SELECT of an item's id, label and date. */
  async function entry(kind: WorkKind, href: string, from: string, item: string, order: string, args: string[] = [], expiry = false): Promise<WorkEntry> {
    const counted = await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, args);
    const rows = await ctx.db.all<ItemRow>(`SELECT ${item} ${from} ORDER BY ${order} LIMIT ?`, [...args, firstFew]);
    const items = rows.map((r): WorkItem => {
      const overdue = expiry && r.date !== null && r.date < now.toISOString();
      return { id: r.id, label: r.label, date: r.date, when: expiry ? (overdue ? 'expired' : 'expires') : 'failed', overdue, href: null };
    });
    return { kind, count: counted?.n ?? 0, href, items };
  }
  const edi = (state: string) => listHref('/admin/edi', { state });
  const inbound = "SELECT id, received_at AS at, COALESCE(subject, message_id) AS label FROM as2_messages WHERE direction = 'in'";
  const outbound = 'SELECT id, created_at AS at, subject AS label FROM as2_outbound_messages';

  const entries = [
    // The nightly self-check found drift: the installation or its data is no longer as validated.
    await validationDriftEntry(ctx.db),
    await entry(
      'webhooksFailed',
      listHref('/admin/webhooks/deliveries', { state: 'exhausted' }),
      "FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position WHERE d.state = 'exhausted'",
      "CAST(d.id AS TEXT) AS id, o.event_type AS label, COALESCE(d.completed_at, d.created_at) AS date",
      'd.id DESC',
    ),
    await entry(
      'as2Failed',
      edi('failed'),
      `FROM (${inbound} AND state = 'failed' UNION ALL ${outbound} WHERE state = 'failed') m`,
      'm.id, m.label, m.at AS date',
      'm.at DESC, m.id DESC',
    ),
    await entry('as2GaveUp', edi('exhausted'), `FROM (${outbound} WHERE state = 'exhausted') m`, 'm.id, m.label, m.at AS date', 'm.at DESC, m.id DESC'),
    await entry('edifactFailed', edi('edifact_failed'), `FROM (${inbound} AND edifact_state = 'failed') m`, 'm.id, m.label, m.at AS date', 'm.at DESC, m.id DESC'),
    await entry('edifactRefused', edi('edifact_refused'), `FROM (${inbound} AND id IN (${refusedEdifact})) m`, 'm.id, m.label, m.at AS date', 'm.at DESC, m.id DESC'),
    await entry('mailFailed', listHref('/admin/mail', { state: 'failed' }), "FROM mail_messages WHERE state = 'failed'", 'id, to_address AS label, created_at AS date', 'created_at DESC, id DESC'),
    await entry(
      'partnerCertificatesExpiring',
      '/admin/partners',
      `FROM edi_partner_certificates c JOIN edi_partners p ON p.id = c.partner_id
        WHERE c.removed_at IS NULL AND p.state = 'active' AND c.not_after < ?`,
      "c.id, p.as2_id || ' · ' || c.subject AS label, c.not_after AS date",
      'c.not_after, c.id',
      [soon],
      true,
    ),
    await entry('as2KeysExpiring', '/admin/partners', "FROM as2_identity_keys WHERE state = 'active' AND not_after < ?", 'id, subject AS label, not_after AS date', 'not_after, id', [soon], true),
  ];
  return { entries };
}
