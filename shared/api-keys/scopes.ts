/** What the partner REST API exposes, one scope per resource and access: `lots:read`, `lots:write`. */
export const apiResources = ['lots', 'certificates', 'invoices', 'orders', 'approvals', 'scars', 'recalls', 'shipments', 'items', 'webhooks'] as const;
export type ApiResource = (typeof apiResources)[number];

export const apiAccesses = ['read', 'write'] as const;
export type ApiAccess = (typeof apiAccesses)[number];

export type ApiScope = `${ApiResource}:${ApiAccess}`;

export const apiScopes: readonly ApiScope[] = apiResources.flatMap((r) => apiAccesses.map((a) => `${r}:${a}` as const));

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (apiScopes as readonly string[]).includes(value);
}

/** Write implies read: a key allowed to submit lots may read them back. */
export function scopeGrants(granted: readonly ApiScope[], needed: ApiScope): boolean {
  if (granted.includes(needed)) return true;
  const [resource, access] = needed.split(':') as [ApiResource, ApiAccess];
  return access === 'read' && granted.includes(`${resource}:write`);
}

/**
 * The resources a key of each kind of organisation may be given (written once: the portal's form
 * offers these and createApiKey refuses the others). Manufacturers use the portal and EDI, not keys.
 */
export const apiResourcesByKind: Record<'supplier' | 'distributor', readonly ApiResource[]> = {
  supplier: ['lots', 'certificates', 'invoices', 'orders', 'approvals', 'scars', 'items', 'webhooks'],
  distributor: ['recalls', 'shipments', 'items', 'webhooks'],
};

/**
 * Resources the API only reads: no operation writes them, so their `write` scope is not offered
 * (a key holding one from before still reads). gateway/api/index.test.ts ties this to the operations.
 */
export const readOnlyResources: readonly ApiResource[] = ['approvals', 'items', 'shipments'];

/** The scopes a key of an organisation of this kind may be given (none for a manufacturer). */
export function scopesForKind(kind: string): readonly ApiScope[] {
  const resources = (apiResourcesByKind as Record<string, readonly ApiResource[] | undefined>)[kind] ?? [];
  return apiScopes.filter((s) => {
    const [resource, access] = s.split(':') as [ApiResource, ApiAccess];
    return resources.includes(resource) && !(access === 'write' && readOnlyResources.includes(resource));
  });
}
