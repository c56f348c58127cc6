// A recall in progress on the demo's shipment to the demo distributor, as the ERP issues it and QA
// releases its notices: what the browser tests of the distributor's reply need.
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoShipment } from '../../shared/demo/seed-demo.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { actorFor } from './actors.ts';
import { demo } from './demo.ts';
import { postErpEvent } from './erp.ts';

/** Issues `recallNumber` through /erp/webhooks (signed with `inboundSecret`) for both demo lots and sends its notices; returns the recall's id. */
export async function issueDemoRecall(server: { url: string }, db: Db, inboundSecret: string, recallNumber: string): Promise<string> {
  const answer = await postErpEvent(server, inboundSecret, 'recall.issued', {
    recallNumber,
    issuedAt: new Date().toISOString(),
    reason: 'Roller clamp may leak',
    hazard: 'Under-infusion',
    classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
    instructions: [{ action: 'quarantine' }, { action: 'return' }],
    products: [{ gtin: demoShipment.lines[0]!.gtin, lots: demoShipment.lines.map((l) => l.lot) }],
    responseDeadline: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10),
  });
  if (answer.status !== 200) throw new Error(`recall.issued: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  const { id } = (await db.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [recallNumber]))!;
  const qa = await actorFor(db, demo('manufacturer_qa').email);
  await sendRecallNotices({ db, clock: systemClock, policy: defaultPolicy }, qa, { recallId: id, portalUrl: server.url });
  return id;
}
