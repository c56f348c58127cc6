import { describe, expect, it } from 'vitest';
import { roles } from '../../auth/actor.ts';
import { ediMessagePermissions, operateEdiLog, readEdiLog } from './edi-log-access.ts';

describe('EDI message log permissions', () => {
  it('lets the manufacturer administrators and QA read the log, nobody else', () => {
    for (const role of roles) expect(readEdiLog.allows({ role }), role).toBe(role === 'manufacturer_admin' || role === 'manufacturer_qa');
  });

  it('offers the byte downloads to an administrator only, as readEdiBytes and reprocessEdiMessage require', () => {
    for (const role of roles) expect(ediMessagePermissions({ role }), role).toEqual({ download: role === 'manufacturer_admin' });
    expect(operateEdiLog.roles).toEqual(['manufacturer_admin']);
  });
});
