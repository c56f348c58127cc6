// The scopes an administrator can give a key are exactly those some operation needs: a scope
// offered with nothing behind it would promise an access the API does not have.
import { describe, expect, it } from 'vitest';
import { apiScopes, scopesForKind } from '../../../shared/api-keys/scopes.ts';
import { apiOperations } from './index.ts';

describe('API key scopes and the operations', () => {
  it('offers every scope an operation needs, and no scope no operation needs', () => {
    const needed = new Set(apiOperations.flatMap((o) => (o.scope ? [o.scope] : [])));
    const offered = new Set([...scopesForKind('supplier'), ...scopesForKind('distributor')]);
    expect([...offered].sort()).toEqual([...needed].sort());
    // A key holding a scope no longer offered (approvals:write, items:write, shipments:write) still reads.
    expect(apiScopes.filter((s) => !offered.has(s)).sort()).toEqual(['approvals:write', 'items:write', 'shipments:write']);
  });
});
