import { describe, expect, it } from 'vitest';
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

function fieldsOf(body: unknown): Record<string, string> | undefined {
  try {
    validateEvent(body, 'inbound');
  } catch (e) {
    return (e as { fields?: Record<string, string> }).fields;
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
    expect(fieldsOf(bad)).toEqual({
      'data/lines/0/gtin': 'is not a valid GTIN (check digit or length)',
      'data/lines/0/quantity': 'must be >= 1',
      'data/lines/0': 'needs a lot or serials',
      'data/extra': 'is not a known field',
      'data/dispatchedAt': 'is required',
    });
  });

  it('refuses unknown types and malformed envelopes', () => {
    expect(fieldsOf({ ...shipment, type: 'lot.teleported' })).toMatchObject({ type: expect.stringContaining('shipment.dispatched') });
    expect(fieldsOf({ type: 'shipment.dispatched', data: {} })).toEqual({ timestamp: 'is required' });
    expect(fieldsOf('not an object')).toEqual({ '(body)': 'must be object' });
  });

  it('applies conditional rules (a dispute needs a reason, a payment a date)', () => {
    const invoice = (data: Record<string, unknown>) => ({ type: 'invoice.status_changed', timestamp: '2026-03-02T09:00:00Z', data });
    const base = { invoiceNumber: 'INV-1', supplier: { erpId: 'V-1' }, occurredAt: '2026-03-02T09:00:00Z' };
    expect(fieldsOf(invoice({ ...base, status: 'disputed' }))).toEqual({ 'data/reason': 'is required' });
    expect(fieldsOf(invoice({ ...base, status: 'paid' }))).toEqual({ 'data/paidOn': 'is required' });
    expect(validateEvent(invoice({ ...base, status: 'paid', paidOn: '2026-03-30' }), 'inbound').data.status).toBe('paid');
  });
});
