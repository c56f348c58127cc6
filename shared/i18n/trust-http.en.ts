/** English messages of the HTTP hardening: admin-entered URLs inside our network, links we send away (spread into en.ts; zh-CN has the same keys). */
export const trustHttpEn = {
  'endpoints.internal.label': 'Internal endpoint: this address is inside our own network',
  'endpoints.internal.hint':
    'Loopback, private, link-local and unique-local addresses (such as 127.0.0.1, 10.x.x.x, 192.168.x.x, 169.254.x.x, fd00::) are refused unless you tick this. Lotbridge checks the address again on every delivery.',
  'endpoints.internal.badge': 'internal',
  'endpoints.internal.term': 'Inside our network',
  'endpoints.internal.yes': 'Yes: it may be at a loopback or private address.',
  'endpoints.internal.no': 'No: loopback and private addresses are refused.',
  'endpoints.internal.mark': 'Mark as internal',
  'endpoints.internal.unmark': 'Mark as external',
  'endpoints.internal.marked': 'Endpoint {url} is marked internal.',
  'endpoints.internal.unmarked': 'Endpoint {url} is marked external.',
  'net.problem.internalAddress':
    '{host} is an address inside a private network ({address}). Tick “Internal endpoint” only if this endpoint really is inside our own network.',
  'recalls.send.noPublicUrl':
    'Notice links cannot be built: this portal does not know its public address. The operator sets PUBLIC_URL (for example https://portal.example.com), or TRUST_PROXY=true behind a proxy that sets X-Forwarded-Host.',
} as const;
