import { describe, expect, it } from 'vitest';
import { roles } from '../auth/actor.ts';
import { invoiceListPermissions, submitInvoices } from './invoice-permissions.ts';

describe('invoice permissions', () => {
  it('offers submitting invoices to a supplier user only, as submitInvoice and submitInvoicFile require', () => {
    for (const role of roles) {
      expect(invoiceListPermissions({ role }), role).toEqual({ submit: role === 'supplier_user' });
    }
    expect(submitInvoices.roles).toEqual(['supplier_user']);
  });
});
