import type { ScarRow } from './scar-record.ts';

/** What every scar.* event carries (schema: shared/events/schemas/scar.schema.json), then its own fields. */
export function scarEventData(s: Pick<ScarRow, 'id' | 'number' | 'supplier_id' | 'supplier_name' | 'title' | 'severity' | 'state'>, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    scarId: s.id,
    number: s.number,
    supplier: { organisationId: s.supplier_id, name: s.supplier_name },
    title: s.title,
    severity: s.severity,
    state: s.state,
    ...extra,
  };
}
