// A SCAR opened through the use case, for the pages' tests: against a supplier, tied to a lot the
// supplier submits for it, with due dates from a few days ahead (each step's after the last) and
// QA's password signature.
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { addDays, utcDay } from '../../shared/certificates/expiry.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { openScar } from '../../shared/scars/open-scar.ts';
import { scarSteps } from '../../shared/scars/scar.ts';

export const testRelyingParty = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const gtin = '09506000134390';
let lots = 0;

/** Opens a SCAR against `supplier`'s organisation as `qa` (password signature), tied to `link` (a lot or certificate of that supplier) or else a new lot of the supplier; its id and number. */
export async function openTestScar(ctx: UseCaseContext, qa: Actor, supplier: Actor, options: { title?: string; link?: { kind: 'lot' | 'certificate'; refId: string } } = {}) {
  const link = options.link ?? { kind: 'lot', refId: await newLot(ctx, supplier) };
  const today = utcDay(ctx.clock.now());
  const dueDates = Object.fromEntries(scarSteps.map((s, i) => [s, addDays(today, 3 + i * 7)]));
  const { scar } = await openScar(ctx, qa, testRelyingParty, {
    supplierId: supplier.organisationId,
    title: options.title ?? 'Cracked housings at the snap fit',
    problem: 'Two of five sampled housings were cracked at the snap fit at incoming inspection.',
    severity: 'major',
    links: [link],
    dueDates,
    verifyAfter: addDays(today, 3 + 7 * 7 + 30),
    credential: { password: demoPassword },
  });
  return { id: scar.id, number: scar.number };
}

async function newLot(ctx: UseCaseContext, supplier: Actor): Promise<string> {
  await ctx.db.transaction((tx) => applyItemUpserted(tx, ctx.clock, { gtin, description: 'Luer lock connector', unitOfMeasure: 'EA' }));
  const { stored } = await submitLots(ctx, supplier, { source: 'form', lots: [{ gtin, lot: `L-SCAR-${supplier.organisationId.slice(-6)}-${++lots}`, quantity: 50 }] });
  return stored[0]!.id;
}
