// Dates people enter or read, judged in their organisation's time zone (organisations.time_zone,
// an IANA name): a Suzhou supplier's "today", a US distributor's deadline. Instants are stored
// in UTC. Runtime-neutral: only Intl.DateTimeFormat (Node, browsers, workerd), no Node APIs.

/** The zone of an organisation that set none, and of records made before zones existed. */
export const defaultTimeZone = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The zone's canonical IANA name when `name` is one Intl knows ("Europe/Berlin", "UTC"), else
 * undefined. Offsets ("+01:00") and abbreviations ("CET") are not organisation zones: they do
 * not follow daylight saving time.
 */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed !== 'UTC' && !/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(trimmed)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(zone: string, ms: number): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateOf = (p: LocalParts) => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;

/** The date (YYYY-MM-DD) it is in `zone` at `instant`: that organisation's "today". */
export function todayIn(zone: string, instant: Date): string {
  return dateOf(localParts(zone, instant.getTime()));
}

/** How far `zone` is ahead of UTC at `instant`, in minutes (Berlin in winter: 60; New York in summer: -240). */
export function offsetMinutes(zone: string, instant: Date): number {
  const ms = Math.floor(instant.getTime() / 1000) * 1000;
  const p = localParts(zone, ms);
  return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms) / 60_000);
}

/**
 * The first instant of `date` in `zone`. Local dates never go backwards in time, so the day's
 * start is found by bisection between 15 hours before and after midnight UTC (every offset is
 * within ±14 h): right across a DST change, and when a zone skips midnight itself.
 */
function startOfDayMs(date: string, zone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  let before = midnightUtc - 15 * 3_600_000; // surely the day before in every zone
  let after = midnightUtc + 15 * 3_600_000; // surely this day or later
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (dateOf(localParts(zone, mid)) < date) before = mid;
    else after = mid;
  }
  return after;
}

/** The next calendar date after `date` (YYYY-MM-DD). */
function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The last instant of `date` in `zone`, as ISO UTC: what "by 2026-03-07" means to a person in
 * that zone (Berlin: 2026-03-07T22:59:59.999Z). Correct on the days daylight saving time starts
 * or ends (those days are 23 or 25 hours long).
 */
export function endOfDayIn(date: string, zone: string): string {
  return new Date(startOfDayMs(nextDate(date), zone) - 1).toISOString();
}

/** "UTC+1", "UTC-5", "UTC+5:30", "UTC+0". */
function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}

let lastFormatted = { iso: '', zone: '', text: '' };

/**
 * An instant as a reader in `zone` sees it, with the zone named so nobody guesses:
 * "2026-03-07 23:59 (Europe/Berlin, UTC+1)"; in UTC as the mails always showed it,
 * "2026-03-07 22:59 UTC". The same in every language (digits, the IANA name and the offset).
 */
export function formatInstantIn(iso: string, zone: string): string {
  // The last answer is kept: a recall's release words one deadline in one zone for thousands.
  if (lastFormatted.iso === iso && lastFormatted.zone === zone) return lastFormatted.text;
  const instant = new Date(iso);
  const p = localParts(zone, instant.getTime());
  const local = `${dateOf(p)} ${pad(p.hour)}:${pad(p.minute)}`;
  const text = zone === 'UTC' ? `${local} UTC` : `${local} (${zone}, ${offsetLabel(offsetMinutes(zone, instant))})`;
  lastFormatted = { iso, zone, text };
  return text;
}
