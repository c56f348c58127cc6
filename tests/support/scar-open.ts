// A SCAR opened through the use case, for the pages' tests: against a supplier, with due dates
// from a few days ahead (every step's due date after the last) and QA's password signature.
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { addDays, utcDay } from '../../shared/certificates/expiry.ts';
import { openScar } from '../../shared/scars/open-scar.ts';
import { scarSteps } from '../../shared/scars/scar.ts';

export const testRelyingParty = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };

/** Opens a SCAR against `supplierId` as `qa` (password signature); its id and number. */
export async function openTestScar(ctx: UseCaseContext, qa: Actor, supplierId: string, options: { title?: string; links?: { kind: string; refId: string }[]; verifyAfter?: string } = {}) {
  const today = utcDay(ctx.clock.now());
  const dueDates = Object.fromEntries(scarSteps.map((s, i) => [s, addDays(today, 3 + i * 7)]));
  const { scar } = await openScar(ctx, qa, testRelyingParty, {
    supplierId,
    title: options.title ?? 'Cracked housings at the snap fit',
    problem: 'Two of five sampled housings were cracked at the snap fit at incoming inspection.',
    severity: 'major',
    links: options.links ?? [],
    dueDates,
    verifyAfter: options.verifyAfter ?? addDays(today, 3 + 7 * 7 + 30),
    credential: { password: demoPassword },
  });
  return { id: scar.id, number: scar.number };
}
