import { checkResult } from './check.ts';
import type { ValidationCheck } from './report.ts';

/** Which code is installed: the git commit (from a checkout, or a build stamp), null when neither tells. */
export interface CommitFacts {
  commit: string | null;
  /** 'git' (a checkout), 'stamp' (LOTBRIDGE_COMMIT set at build or deployment) or 'unknown'. */
  source: 'git' | 'stamp' | 'unknown';
  /** Tracked files changed since the commit (a checkout only; null when not known). */
  modifiedFiles: number | null;
}

/**
 * IQ `iq.commit`: the commit installed, as facts. An unknown commit or a checkout with changed
 * tracked files does not fail the check; the report lists it as a deviation (see buildReport).
 */
export function checkCommit(c: CommitFacts): ValidationCheck {
  return checkResult('iq.commit', 'IQ', { commit: c.commit ?? 'unknown', source: c.source, modifiedFiles: c.modifiedFiles ?? 'unknown' }, []);
}
