import type { UseCaseContext } from '../context.ts';
import type { Role } from '../auth/actor.ts';
import { createOrganisation } from '../organisations/create-organisation.ts';
import { addUser } from '../organisations/add-user.ts';
import { applyShipmentDispatched } from '../erp/apply-shipment-dispatched.ts';

/** Demo sign-ins are public knowledge: never seed them into a production database. */
export const demoPassword = 'lotbridge-demo';

export const demoUsers: { email: string; displayName: string; role: Role; organisation: 'manufacturer' | 'supplier' | 'distributor' }[] = [
  { email: 'admin@meridian-medical.example', displayName: 'Alex Morgan', role: 'manufacturer_admin', organisation: 'manufacturer' },
  { email: 'qa@meridian-medical.example', displayName: 'Dr. Lena Fischer', role: 'manufacturer_qa', organisation: 'manufacturer' },
  { email: 'supplier@suzhou-precision.example', displayName: '王芳 (Wang Fang)', role: 'supplier_user', organisation: 'supplier' },
  { email: 'distributor@rhein-medical.example', displayName: 'Jonas Weber', role: 'distributor_user', organisation: 'distributor' },
];

/** A shipment of the demo recall walkthrough (README): QA recalls these lots, the distributor answers. */
export const demoShipment = {
  shipmentNumber: 'SH-DEMO-0001',
  distributor: { erpId: 'C-20001' },
  dispatchedAt: '2026-01-12T08:00:00Z',
  lines: [
    { gtin: '09506000999999', lot: 'DEMO-2601A', quantity: 120, expiryDate: '2028-12-31' },
    { gtin: '09506000999999', lot: 'DEMO-2601B', quantity: 40, expiryDate: '2029-01-31' },
  ],
};

/** The ERP numbers let the ERP's events (purchase orders, shipments) name these organisations. */
export const demoOrganisations = {
  manufacturer: { name: 'Meridian Medical Devices Inc.', erpId: undefined },
  supplier: { name: 'Suzhou Precision Components Co., Ltd.', erpId: 'V-10001' },
  distributor: { name: 'Rhein Medical Distribution GmbH', erpId: 'C-20001' },
} as const;

/**
 * Seeds the demo (a manufacturer, one supplier, one distributor, a user of each role) once:
 * a database that has any organisation is left alone. Returns whether it seeded.
 */
export async function seedDemo(ctx: UseCaseContext): Promise<boolean> {
  const any = await ctx.db.get('SELECT id FROM organisations LIMIT 1');
  if (any) return false;
  const by = { type: 'system' as const, name: 'Lotbridge demo seed' };
  const orgIds: Record<string, string> = {};
  for (const [kind, { name, erpId }] of Object.entries(demoOrganisations)) {
    orgIds[kind] = (await createOrganisation(ctx, by, { name, kind, erpId })).id;
  }
  for (const u of demoUsers) {
    await addUser(ctx, by, { email: u.email, displayName: u.displayName, password: demoPassword, role: u.role, organisationId: orgIds[u.organisation]! });
  }
  await ctx.db.run("UPDATE organisations SET language = 'de' WHERE id = ?", [orgIds.distributor!]); // A German distributor: its recall mails come in German first.
  // Something to recall: two lots shipped to the demo distributor, as the ERP reports them.
  await ctx.db.transaction((tx) => applyShipmentDispatched(tx, ctx.clock, demoShipment));
  return true;
}
