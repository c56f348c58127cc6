// The DESADV upload's interchange register is keyed on the UNB sender + control reference, and
// the upload takes the sender from the file. A supplier must not be able to upload an
// interchange in another organisation's name: that would learn the fate of the other
// organisation's interchanges (a repeat is answered with the first answer) and, worse, take
// their control references ahead of them so that their own DESADV later counts as a repeat and
// is silently not processed. The AS2 door refuses a UNB sender that is not the partner's
// (process-as2-payload.ts, "not put in the register"); the upload must refuse it too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { systemClock } from '../../shared/clock.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { writeInterchange, encodeInterchange } from '../../shared/edifact/write.ts';
import { submitDesadvFile, DesadvFileError } from '../../shared/lots/submit-desadv-file.ts';
import { desadvMessage, inboundGtins } from '../support/inbound-edifact.ts';
import { demo, demoDatabase } from '../support/demo.ts';
import { actorFor } from '../support/actors.ts';
import { refusal } from '../support/refusal.ts';

const po = '4500088001';
const otherPo = '4500088999';
const { a: gtinA } = inboundGtins;
const victimSender = '6901234000001';
const intruderSender = '6909999000001';
const run = Date.now().toString(36).slice(-5).toUpperCase();
let seq = 0;

let dir: { dir: string; remove(): void };
let db: Db;
let ctx: UseCaseContext;
let victim: Actor;
let intruder: Actor;

function file(sender: string, reference: string, order: string): Uint8Array {
  const lot = `SN${run}${++seq}`;
  const text = writeInterchange({
    syntax: ['UNOC', '3'], sender: [sender, '14'], recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference,
    messages: [desadvMessage('M1', `DN-${run}-${seq}`, order, [{ gtin: gtinA, lot, quantity: '1', poLine: '1' }])], newline: '\r\n',
  });
  return encodeInterchange(text, 'UNOC');
}

const lotsOf = async (organisationId: string) => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM lots WHERE organisation_id = ?', [organisationId]))!.n;

beforeAll(async () => {
  ({ dir, db, ctx } = await demoDatabase('lotbridge-desadv-sender-'));
  const by = { type: 'system' as const, name: 'desadv sender test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Intruder Parts Ltd.', kind: 'supplier', erpId: 'V-10088' })).id;
  await addUser(ctx, by, { email: 'edi@intruder.example', displayName: 'I. Ntruder', password: 'intruder-pass-123', role: 'supplier_user', organisationId: otherOrg });
  await db.transaction(async (tx) => {
    await applyItemUpserted(tx, systemClock, { gtin: gtinA, description: 'Item A', unitOfMeasure: 'EA' });
    await applyPurchaseOrder(tx, systemClock, { poNumber: po, supplier: { erpId: 'V-10001' }, status: 'open', currency: 'EUR', orderDate: '2026-03-01', version: 1, lines: [{ lineNumber: 1, gtin: gtinA, quantity: 500, unitPrice: '3.85' }] });
    await applyPurchaseOrder(tx, systemClock, { poNumber: otherPo, supplier: { erpId: 'V-10088' }, status: 'open', currency: 'EUR', orderDate: '2026-03-01', version: 1, lines: [{ lineNumber: 1, gtin: gtinA, quantity: 500, unitPrice: '3.85' }] });
  });
  victim = await actorFor(db, demo('supplier_user').email);
  intruder = await actorFor(db, 'edi@intruder.example');
  // The victim has sent under its EDI id before: the sender is known to be theirs.
  const first = await submitDesadvFile(ctx, victim, { bytes: file(victimSender, `V${run}0`, po), name: 'first.edi' });
  expect(first.interchanges[0]!.status).toBe('accepted');
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('a supplier uploads an interchange in another organisation\'s name', () => {
  it('cannot learn what became of the other organisation\'s interchange (no repeat answered from its register entry)', async () => {
    const refused = await refusal(submitDesadvFile(ctx, intruder, { bytes: file(victimSender, `V${run}0`, otherPo), name: 'probe.edi' }));
    expect(refused).toBeInstanceOf(DesadvFileError);
    expect((refused as DesadvFileError).ediProblems).toMatchObject([{ code: 'senderNotYours' }]);
    // Nothing of the probe is registered under the intruder.
    expect(await db.get('SELECT COUNT(*) AS n FROM edi_interchanges WHERE organisation_id = ?', [intruder.organisationId])).toEqual({ n: 0 });
  });

  it('cannot take the other organisation\'s next control reference, so that their own DESADV is still processed', async () => {
    const reference = `V${run}1`;
    expect((await refusal(submitDesadvFile(ctx, intruder, { bytes: file(victimSender, reference, otherPo), name: 'squat.edi' }))).code).toBe('invalid_input');
    const before = await lotsOf(victim.organisationId);
    const real = await submitDesadvFile(ctx, victim, { bytes: file(victimSender, reference, po), name: 'real.edi' });
    const ic = real.interchanges[0]!;
    expect([ic.duplicate, ic.status]).toEqual([false, 'accepted']);
    expect(await lotsOf(victim.organisationId)).toBe(before + 1);
  });

  it('still takes the intruder\'s own interchanges under its own sender id', async () => {
    const result = await submitDesadvFile(ctx, intruder, { bytes: file(intruderSender, `I${run}1`, otherPo), name: 'own.edi' });
    expect(result.interchanges[0]!.status).toBe('accepted');
  });
});
