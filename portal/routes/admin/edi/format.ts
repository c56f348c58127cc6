// Small helpers of the EDI message log pages (client and server). Times are UTC, as everywhere
// on the admin pages; a date-time typed into the filter is read as UTC too.

/** "2026-03-01T08:00:05.123Z" → "2026-03-01 08:00:05". */
export function utc(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '—';
}

/**
 * A date-time from an <input type="datetime-local"> as an ISO instant read as UTC; `end` makes
 * a value without seconds cover its whole minute ("to 08:00" includes 08:00:30). Null when it is
 * not a date-time.
 */
export function utcInstant(value: string, end = false): string | null {
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/.exec(value.trim());
  if (!local) return null;
  let ms = Date.parse(`${local[1]}T${local[2]}${local[3] ?? ':00'}Z`);
  if (Number.isNaN(ms)) return null;
  ms += end ? (local[3] ? 999 : 59_999) : 0;
  return new Date(ms).toISOString();
}

/** 1234567 → "1.2 MB"; bytes under 1 kB as they are. */
export function size(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A form field as a string ('' when absent or a file). */
export function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}
