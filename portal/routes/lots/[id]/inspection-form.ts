// The inspection form as the use cases take it: read once for the decision and once for the first half of a passkey signature.
import type { InspectionInput, Measurement } from '$shared/lots/inspect-lot.ts';
import type { UploadLimits } from '$shared/files/store-upload.ts';

/** How many measurement rows the inspection form offers (empty ones are left out). */
export const measurementRows = 5;

/** The decision the form carries, the typed values to show again, and how a problem's field maps to the form's. */
export async function readInspection(form: FormData, lotId: string, uploads: UploadLimits) {
  const text = (name: string) => String(form.get(name) ?? '');
  const rows = Array.from({ length: measurementRows }, (_, i) => ({
    name: text(`m${i}.name`),
    value: text(`m${i}.value`),
    unit: text(`m${i}.unit`),
    withinSpec: text(`m${i}.withinSpec`) || 'yes',
  }));
  const values = { outcome: text('outcome'), sampleSize: text('sampleSize'), defectsFound: text('defectsFound'), deviation: text('deviation'), reason: text('reason'), rows };
  // A row counts once anything but its "within specification" choice is filled; its index is kept for the field problems.
  const filled = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.name.trim() || r.value.trim() || r.unit.trim());
  const measurements: Measurement[] = filled.map(({ r }) => ({ name: r.name, value: r.value, unit: r.unit, withinSpec: r.withinSpec !== 'no' }));
  const whole = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN);
  // A file input left empty still sends one nameless, empty file.
  const chosen = form.getAll('attachments').filter((f): f is File => f instanceof File && (f.size > 0 || f.name !== ''));
  const files = await Promise.all(chosen.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  const input: InspectionInput = {
    lotId,
    outcome: values.outcome,
    sampleSize: whole(values.sampleSize),
    defectsFound: whole(values.defectsFound),
    measurements,
    deviation: values.deviation,
    reason: values.reason,
    attachments: { uploads, files },
  };
  // measurements/<n>/<field> names the n-th filled row: the form's row m<i>.<field>.
  const fieldName = (field: string) => {
    const m = /^measurements\/(\d+)\/(\w+)$/.exec(field);
    return m ? `m${filled[Number(m[1])]?.i ?? 0}.${m[2]}` : field;
  };
  return { values, input, fieldName };
}
