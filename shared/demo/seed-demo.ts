import type { UseCaseContext } from '../context.ts';
import type { Role } from '../auth/actor.ts';
import { createOrganisation } from '../organisations/create-organisation.ts';
import { addUser } from '../organisations/add-user.ts';

/** Demo sign-ins are public knowledge: never seed them into a production database. */
export const demoPassword = 'lotbridge-demo';

export const demoUsers: { email: string; displayName: string; role: Role; organisation: 'manufacturer' | 'supplier' | 'distributor' }[] = [
  { email: 'admin@meridian-medical.example', displayName: 'Alex Morgan', role: 'manufacturer_admin', organisation: 'manufacturer' },
  { email: 'qa@meridian-medical.example', displayName: 'Dr. Lena Fischer', role: 'manufacturer_qa', organisation: 'manufacturer' },
  { email: 'supplier@suzhou-precision.example', displayName: '王芳 (Wang Fang)', role: 'supplier_user', organisation: 'supplier' },
  { email: 'distributor@rhein-medical.example', displayName: 'Jonas Weber', role: 'distributor_user', organisation: 'distributor' },
];

const demoOrganisations = {
  manufacturer: 'Meridian Medical Devices Inc.',
  supplier: 'Suzhou Precision Components Co., Ltd.',
  distributor: 'Rhein Medical Distribution GmbH',
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
  for (const [kind, name] of Object.entries(demoOrganisations)) {
    orgIds[kind] = (await createOrganisation(ctx, by, { name, kind })).id;
  }
  for (const u of demoUsers) {
    await addUser(ctx, by, { email: u.email, displayName: u.displayName, password: demoPassword, role: u.role, organisationId: orgIds[u.organisation]! });
  }
  return true;
}
