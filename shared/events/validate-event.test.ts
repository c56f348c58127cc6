import { describe, expect, it } from 'vitest';
import type { AppError, Problems } from '../errors.ts';
import { validateEvent } from './validate-event.ts';

const shipment = {
  type: 'shipment.dispatched',
  timestamp: '2026-03-02T09:00:00Z',
  data: {
    shipmentNumber: 'SH-1',
    distributor: { erpId: 'C-1002' },
    dispatchedAt: '2026-03-02T08:00:00Z',
    lines: [{ gtin: '09506000134352', lot: 'L1', quantity: 10, expiryDate: '2028-03-31' }],
  },
};

function problemsOf(body: unknown): Problems | undefined {
  try {
    validateEvent(body, 'inbound');
  } catch (e) {
    return (e as AppError).problems;
  }
  throw new Error('expected a refusal');
}

describe('validateEvent', () => {
  it('accepts a valid inbound event', () => {
    expect(validateEvent(shipment, 'inbound').type).toBe('shipment.dispatched');
  });

  it('names the field path and the reason of every problem at once', () => {
    const bad = structuredClone(shipment) as { data: Record<string, unknown> & { lines: Record<string, unknown>[] } };
    bad.data.lines[0]!.gtin = '09506000134353';
    bad.data.lines[0]!.quantity = 0;
    delete bad.data.lines[0]!.lot;
    bad.data.extra = true;
    delete (bad.data as Record<string, unknown>).dispatchedAt;
    expect(problemsOf(bad)).toEqual({
      'data/lines/0/gtin': { code: 'common.badGtin' },
      'data/lines/0/quantity': { code: 'events.tooSmall', params: { min: 1 } },
      'data/lines/0': { code: 'events.oneRequired', params: { fields: 'lot, serials' } },
      'data/extra': { code: 'events.unknownField' },
      'data/dispatchedAt': { code: 'common.required' },
    });
  });

  it('refuses unknown types and malformed envelopes', () => {
    expect(problemsOf({ ...shipment, type: 'lot.teleported' })).toMatchObject({ type: { code: 'events.unknownType', params: { known: expect.stringContaining('shipment.dispatched') } } });
    expect(problemsOf({ type: 'shipment.dispatched', data: {} })).toEqual({ timestamp: { code: 'common.required' } });
    expect(problemsOf('not an object')).toEqual({ '(body)': { code: 'events.type', params: { type: 'object' } } });
  });

  it('applies conditional rules (a dispute needs a reason, a payment a date)', () => {
    const invoice = (data: Record<string, unknown>) => ({ type: 'invoice.status_changed', timestamp: '2026-03-02T09:00:00Z', data });
    const base = { invoiceNumber: 'INV-1', supplier: { erpId: 'V-1' }, occurredAt: '2026-03-02T09:00:00Z' };
    expect(problemsOf(invoice({ ...base, status: 'disputed' }))).toEqual({ 'data/reason': { code: 'common.required' } });
    expect(problemsOf(invoice({ ...base, status: 'paid' }))).toEqual({ 'data/paidOn': { code: 'common.required' } });
    expect(validateEvent(invoice({ ...base, status: 'paid', paidOn: '2026-03-30' }), 'inbound').data.status).toBe('paid');
  });

  it('words an alternative by its branches: not every anyOf is "a lot or serials"', () => {
    const recall = { type: 'recall.issued', timestamp: '2026-03-02T09:00:00Z', data: { responseDeadline: 'next week' } };
    expect(problemsOf(recall)?.['data/responseDeadline']).toEqual({ code: 'events.format', params: { format: 'date or date-time' } });
  });
});
