/** What the partner REST API exposes, one scope per resource and access: `lots:read`, `lots:write`. */
export const apiResources = ['lots', 'certificates', 'invoices', 'orders', 'recalls', 'shipments', 'items', 'webhooks'] as const;
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
