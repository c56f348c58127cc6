import type { AuditTrailQuery } from '$shared/audit/list-audit-trail.ts';

export interface AuditFilters {
  query: Omit<AuditTrailQuery, 'beforeSeq' | 'limit'>;
  /** What the form shows back, as typed. */
  values: Record<'actor' | 'action' | 'type' | 'record' | 'org' | 'from' | 'to', string>;
  badDate: boolean;
}

/** A day (YYYY-MM-DD, UTC) as the ISO time it starts, shifted by `days`; undefined when not a day. */
function dayStart(value: string, days = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const t = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isNaN(t) ? undefined : new Date(t + days * 86_400_000).toISOString();
}

/** The audit page's filters from its query string (also read by the CSV export). */
export function auditFilters(params: URLSearchParams): AuditFilters {
  const get = (name: string) => (params.get(name) ?? '').trim().slice(0, 200);
  const values = { actor: get('actor'), action: get('action'), type: get('type'), record: get('record'), org: get('org'), from: get('from'), to: get('to') };
  const from = values.from ? dayStart(values.from) : undefined;
  // "To" names the last day shown, so the range ends when the next day starts.
  const to = values.to ? dayStart(values.to, 1) : undefined;
  return {
    values,
    badDate: Boolean((values.from && !from) || (values.to && !to)),
    query: {
      actor: values.actor || undefined,
      action: values.action || undefined,
      entityType: values.type || undefined,
      entityId: values.record || undefined,
      organisationId: values.org || undefined,
      from,
      to,
    },
  };
}
