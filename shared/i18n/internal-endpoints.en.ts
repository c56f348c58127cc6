/** English messages for admin-entered URLs that may reach inside our network (spread into en.ts; zh-CN has the same keys). */
export const internalEndpointsEn = {
  'endpoints.internal.label': 'Internal endpoint: this address is inside our own network',
  'endpoints.internal.hint':
    'Loopback, private, link-local and unique-local addresses (such as 127.0.0.1, 10.x.x.x, 192.168.x.x, 169.254.x.x, fd00::) are refused unless you tick this. Lotbridge checks the address again on every delivery.',
  'endpoints.internal.badge': 'internal',
  'problem.internalAddress':
    '{host} is an address inside a private network ({address}). Tick “Internal endpoint” only if this endpoint really is inside our own network.',
} as const;
