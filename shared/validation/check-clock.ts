import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

/** A clock read against ours: the database server's, a running server's HTTP Date, … (null: it could not be read). */
export interface ClockReference {
  source: string;
  /** Its time when read, and ours at the middle of the read. */
  at: Date | null;
  localAt: Date;
  /** How precise it reads (HTTP Date: whole seconds). */
  resolutionMs: number;
}

/** The largest offset accepted (audit timestamps are "trusted clock" times, 21 CFR 11.10(e)). */
export const maxClockOffsetMs = 5_000;

/**
 * IQ `iq.clock`: the offset of our clock against each reference that could be read (beyond
 * `maxClockOffsetMs` plus the reference's resolution is a finding), and whether the host keeps
 * its clock synchronised (NTP; null when it cannot be told, said as such, not assumed).
 */
export function checkClock(now: Date, references: readonly ClockReference[], ntpSynchronized: boolean | null): ValidationCheck {
  const findings: Finding[] = [];
  const facts: ValidationCheck['facts'] = { localClock: now.toISOString(), ntpSynchronized: ntpSynchronized === null ? 'unknown' : ntpSynchronized };
  for (const r of references) {
    if (!r.at) {
      facts[`offset.${r.source}`] = 'unavailable';
      continue;
    }
    const offset = r.at.getTime() - r.localAt.getTime();
    facts[`offset.${r.source}`] = offset;
    if (Math.abs(offset) > maxClockOffsetMs + r.resolutionMs) findings.push(finding('clock_offset', { source: r.source, offsetMs: offset, limitMs: maxClockOffsetMs }));
  }
  if (ntpSynchronized === false) findings.push(finding('clock_not_synchronized'));
  return checkResult('iq.clock', 'IQ', facts, findings);
}
