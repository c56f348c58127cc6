// Times as the portal shows them: UTC, as in the audit trail, to the second or to the minute.

/** "2026-03-01T08:00:05.123Z" → "2026-03-01 08:00:05"; "—" when there is none. */
export function utc(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '—';
}

/** "2026-03-01T08:00:05.123Z" → "2026-03-01 08:00"; "—" when there is none. */
export function utcMinute(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '—';
}

/**
 * A date-time from an <input type="datetime-local"> (or a pasted ISO string) as an ISO instant,
 * read as UTC when it names no zone. `end` makes a value without seconds (or milliseconds)
 * cover its whole minute (second), so "to 08:00" includes an event at 08:00:30.
 * Returns null when it is not a date-time.
 */
export function utcInstant(value: string, end = false): string | null {
  const v = value.trim();
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/.exec(v);
  let ms: number;
  if (local) {
    ms = Date.parse(`${local[1]}T${local[2]}${local[3] ?? ':00'}Z`);
    if (end && !local[3]) ms += 59_999;
    else if (end && !local[4]) ms += 999;
  } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(v)) {
    ms = Date.parse(v);
  } else {
    return null;
  }
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
