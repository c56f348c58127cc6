import type { Db } from '../db/index.ts';
import { firstFew, type WorkEntry } from '../home/work-list.ts';
import { latestSelfCheck } from './self-check.ts';

/**
 * The home page's alert of the nightly self-check (administrators and QA): the failing checks of
 * the newest run, each with its first finding (the page words it), linking to the validation
 * page. A later run that passes clears it.
 */
export async function validationDriftEntry(db: Db): Promise<WorkEntry> {
  const run = await latestSelfCheck(db);
  const failed = run ? run.checks.filter((c) => c.status === 'fail') : [];
  return {
    kind: 'validationDrift',
    count: failed.length,
    href: '/validation#self-check',
    items: failed.slice(0, firstFew).map((c) => ({
      id: c.id,
      label: c.id,
      date: run!.finishedAt,
      when: 'failed',
      overdue: false,
      href: '/validation#self-check',
      ...(c.findings[0] ? { finding: c.findings[0] } : {}),
    })),
  };
}
