import { describe, expect, it } from 'vitest';
import { actionFollowUpsDue, openLots } from './send-action-follow-ups.ts';

const lot = (onHand: number, quarantined: number) => ({ gtin: '09506000134352', lot: 'A', onHand, quarantined });

describe('openLots', () => {
  it('quarantine is open while stock on hand is not all quarantined', () => {
    expect(openLots('quarantine', { holdsStock: true, lots: [lot(30, 20), lot(5, 5), lot(0, 0)] }, ['quarantine'])).toEqual([lot(30, 20)]);
  });

  it('returns are open while stock is on hand, only when the recall asks to return or destroy', () => {
    const reply = { holdsStock: true, lots: [lot(30, 30), lot(0, 0)] };
    expect(openLots('actions', reply, ['quarantine', 'return'])).toEqual([lot(30, 30)]);
    expect(openLots('actions', reply, ['destroy'])).toEqual([lot(30, 30)]);
    // A correction in the field leaves the devices where they are: nothing to chase by stock on hand.
    expect(openLots('actions', reply, ['quarantine', 'correct'])).toEqual([]);
  });

  it('nothing is open for a consignee that holds none of the stock', () => {
    expect(openLots('quarantine', { holdsStock: false, lots: [] }, ['return'])).toEqual([]);
    expect(openLots('actions', { holdsStock: false, lots: [] }, ['return'])).toEqual([]);
  });
});

describe('actionFollowUpsDue', () => {
  it('the reminder at the due date, the final notice after the grace of the severity (3, 7, 14 days)', () => {
    const due = '2026-03-20T22:59:59.999Z';
    expect(actionFollowUpsDue('actions', 1, due).map((f) => f.dueAt)).toEqual([due, '2026-03-23T22:59:59.999Z']);
    expect(actionFollowUpsDue('actions', 2, due).map((f) => f.kind)).toEqual(['actions_reminder', 'actions_final_notice']);
    expect(actionFollowUpsDue('quarantine', 3, due)[1]).toEqual({ kind: 'quarantine_final_notice', dueAt: '2026-04-03T22:59:59.999Z' });
  });
});
