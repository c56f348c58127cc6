// The demo's approved supplier list: a few entries QA signed, so the page is not empty on `npm start`.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { setSupplierApproval } from '../supplier-approvals/set-supplier-approval.ts';
import { demoGtins } from './demo-data.ts';

export async function seedDemoApprovals(ctx: UseCaseContext, qa: Actor, supplier: Actor, rp: RelyingParty, password: string): Promise<void> {
  const credential = { password };
  const entries = [
    { itemCategory: 'IIa', status: 'approved', requiredCertificates: ['iso13485'], reason: 'Supplier audit 2025-11 passed; ISO 13485 certificate on file.' },
    { itemGtin: demoGtins.pressureLine, status: 'approved', requiredCertificates: ['iso13485', 'coc'], reason: 'First article inspection of PL-150 passed; a CoC travels with every lot.' },
    { itemGtin: demoGtins.stopcock, status: 'conditional', requiredCertificates: ['iso13485', 'coc'], reason: 'CoC of lot SC-2610A rejected (pressure test report missing): lots are inspected 100 % until a complete CoC is approved.' },
    { itemGtin: demoGtins.connector, status: 'pending', requiredCertificates: ['iso13485', 'ce_mdr'], reason: 'Qualification of the LL-4 connector running: CE certificate under review.' },
  ];
  for (const e of entries) await setSupplierApproval(ctx, qa, rp, { ...e, supplierId: supplier.organisationId, credential });
}
