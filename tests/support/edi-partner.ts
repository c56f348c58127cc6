import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UseCaseContext } from '../../shared/context.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { rootDir } from './server.ts';

/**
 * A distributor known only as an EDI partner (Alpen Medizintechnik AG, AS2 id ALPEN-AS2, with the
 * libas2 community certificate): no portal user, no recall contact; `erpId` recorded when given.
 */
export async function addAs2OnlyDistributor(ctx: UseCaseContext, erpId?: string): Promise<{ partnerId: string; organisationId: string }> {
  const added = await addPartner(ctx, { type: 'system', name: 'test: AS2-only distributor' }, {
    name: 'Alpen Medizintechnik AG',
    kind: 'distributor',
    as2Id: 'ALPEN-AS2',
    as2Url: 'https://as2.alpen-med.example/as2',
    certificates: [{ fileName: 'libas2_libas2community.cer', data: readFileSync(join(rootDir, 'tests/fixtures/as2/libas2_libas2community.cer')) }],
  });
  if (erpId) await ctx.db.run('UPDATE organisations SET erp_id = ? WHERE id = ?', [erpId, added.partner.organisationId]);
  return { partnerId: added.partner.id, organisationId: added.partner.organisationId };
}
