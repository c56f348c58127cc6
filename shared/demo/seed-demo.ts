import type { FilesContext, UseCaseContext } from '../context.ts';
import type { Actor, Role } from '../auth/actor.ts';
import type { UploadLimits } from '../files/store-upload.ts';
import { setOrganisationTimeZone } from '../organisations/set-organisation-time-zone.ts';
import { createOrganisation } from '../organisations/create-organisation.ts';
import { addUser } from '../organisations/add-user.ts';
import { setOrganisationLanguage } from '../organisations/set-organisation-language.ts';
import { applyShipmentDispatched } from '../erp/apply-shipment-dispatched.ts';
import { seedDemoWork } from './seed-demo-work.ts';
import { setNoticeContact } from '../organisations/set-notice-contact.ts';
import { demoNoticeContact, demoSeedRequestId } from './demo-data.ts';

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
 * Seeds the demo's accounts (a manufacturer, one supplier, one distributor, a user of each role)
 * and the recall walkthrough's shipment once: a database that has any organisation is left
 * alone. Returns whether it seeded. `DEMO_SEED=users` stops here (the test servers build their
 * own data on it); `npm start` goes on with seedWholeDemo's daily work.
 */
export async function seedDemo(ctx: UseCaseContext): Promise<boolean> {
  return (await seedAccounts(ctx)) !== undefined;
}

/**
 * The whole demo as `npm start` seeds it into an empty database: the accounts, then what the ERP
 * would have sent and what the users would have done (seed-demo-work.ts). Returns whether it seeded.
 */
export async function seedWholeDemo(ctx: FilesContext, options: { uploads: UploadLimits; portalUrl: string }): Promise<boolean> {
  const actors = await seedAccounts(ctx);
  if (!actors) return false;
  // Realistic zones for the running demo (the test servers keep UTC: their dates are written so).
  for (const [role, timeZone] of [['manufacturer_qa', 'America/New_York'], ['supplier_user', 'Asia/Shanghai'], ['distributor_user', 'Europe/Berlin']] as const) {
    const actor = actors[role];
    await setOrganisationTimeZone(ctx, actors.manufacturer_admin, { organisationId: actor.organisationId, timeZone });
    for (const a of Object.values(actors)) if (a.organisationId === actor.organisationId) a.organisationTimeZone = timeZone;
  }
  await seedDemoWork(ctx, { ...options, password: demoPassword, actors: { supplier: actors.supplier_user, qa: actors.manufacturer_qa, admin: actors.manufacturer_admin } });
  return true;
}

async function seedAccounts(ctx: UseCaseContext): Promise<Record<Role, Actor> | undefined> {
  const any = await ctx.db.get('SELECT id FROM organisations LIMIT 1');
  if (any) return undefined;
  const by = { type: 'system' as const, name: 'Lotbridge demo seed' };
  const orgs: Record<string, { id: string; name: string }> = {};
  for (const [kind, { name, erpId }] of Object.entries(demoOrganisations)) {
    orgs[kind] = { id: (await createOrganisation(ctx, by, { name, kind, erpId })).id, name };
  }
  const actors = {} as Record<Role, Actor>;
  for (const u of demoUsers) {
    const org = orgs[u.organisation]!;
    const { id } = await addUser(ctx, by, { email: u.email, displayName: u.displayName, password: demoPassword, role: u.role, organisationId: org.id });
    actors[u.role] = { userId: id, email: u.email, displayName: u.displayName, organisationId: org.id, organisationName: org.name, organisationKind: u.organisation, role: u.role };
  }
  // A German distributor: its recall mails come in German first.
  await setOrganisationLanguage(ctx, actors.manufacturer_admin, { organisationId: orgs.distributor!.id, language: 'de' });
  // The contact and SRN every recall notice without its own contact prints (MDCG 2023-3 section 4).
  await setNoticeContact(ctx, actors.manufacturer_admin, demoNoticeContact);
  // Something to recall: two lots shipped to the demo distributor, as the ERP reports them.
  await ctx.db.transaction((tx) => applyShipmentDispatched(tx, ctx.clock, demoShipment, demoSeedRequestId));
  return actors;
}
