// Small helpers of the EDI message log pages (client and server). Times are UTC, as everywhere
// on the admin pages; a date-time typed into the filter is read as UTC too.

/** 1234567 → "1.2 MB"; bytes under 1 kB as they are. */
export function size(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

