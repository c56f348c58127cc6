import { demoPassword, demoUsers } from './seed-demo.ts';

const roleNames = {
  manufacturer_admin: 'manufacturer administrator',
  manufacturer_qa: 'manufacturer QA',
  supplier_user: 'supplier',
  distributor_user: 'distributor',
} as const;

/** The demo sign-ins as `lotbridge serve` and `lotbridge demo` print them (operator output, English). */
export function demoSignIns(seeded: boolean): string[] {
  return [
    ...(seeded ? ['Seeded the demo: items, purchase orders, shipments, certificates, an invoice and a recall in progress.'] : []),
    `Demo sign-ins, password "${demoPassword}":`,
    ...demoUsers.map((u) => `  ${roleNames[u.role].padEnd(28)}${u.email}`),
  ];
}
