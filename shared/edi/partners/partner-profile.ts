/**
 * What an EDI partner profile is, its defaults, and the checks every use case applies to it.
 * Checks add to a `Problems` map (field path → problem as data) so one refusal lists every problem.
 */
import { problem, type Problem, type Problems } from '../../errors.ts';

export const encryptionAlgorithms = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm', 'des-ede3-cbc'] as const;
export const signingAlgorithms = ['sha-1', 'sha-256', 'sha-384', 'sha-512'] as const;
export const signaturePaddings = ['pkcs1-v1.5', 'pss'] as const;
export const keyTransports = ['rsa-pkcs1-v1.5', 'rsa-oaep'] as const;
export const mdnModes = ['sync', 'async', 'none'] as const;
export const partnerStates = ['active', 'disabled'] as const;
export const partnerKinds = ['supplier', 'distributor'] as const;

export type PartnerState = (typeof partnerStates)[number];
export type PartnerKind = (typeof partnerKinds)[number];

/** Expected inbound security and how we wrap what we send. */
export interface PartnerOptions {
  requireSigned: boolean;
  requireEncrypted: boolean;
  compress: boolean;
  encryptionAlgorithm: (typeof encryptionAlgorithms)[number];
  signingAlgorithm: (typeof signingAlgorithms)[number];
  signaturePadding: (typeof signaturePaddings)[number];
  keyTransport: (typeof keyTransports)[number];
  /** The MDN we request on outbound messages; an async one is sent to our own /as2 URL. */
  mdn: (typeof mdnModes)[number];
  mdnSigned: boolean;
  /** How many CompressedData layers an inbound message may nest (RFC 5402 uses one); 0 refuses compression. */
  maxCompressionLayers: number;
  /**
   * Hosts (names or IP literals, space-separated, lower case, each with an optional `:port`)
   * the partner's async MDNs may be POSTed to besides the host and port of its AS2 URL; a bare
   * host allows the scheme's default port only; a Receipt-Delivery-Option elsewhere is refused.
   */
  asyncMdnHosts: string;
  /** Async MDNs may go to loopback, private or link-local addresses (an internal partner only). */
  asyncMdnPrivate: boolean;
}

// Defaults that the AS2 software partners run (mendelson, OpenAS2, Sterling) all accept.
export const defaultPartnerOptions: PartnerOptions = {
  requireSigned: true,
  requireEncrypted: true,
  compress: false,
  encryptionAlgorithm: 'aes-256-cbc',
  signingAlgorithm: 'sha-256',
  signaturePadding: 'pkcs1-v1.5',
  keyTransport: 'rsa-pkcs1-v1.5',
  mdn: 'sync',
  mdnSigned: true,
  maxCompressionLayers: 1,
  asyncMdnHosts: '',
  asyncMdnPrivate: false,
};

export const maxCompressionLayersLimit = 8;

const optionChoices: Record<keyof PartnerOptions, readonly string[] | 'boolean' | 'layers' | 'hosts'> = {
  requireSigned: 'boolean',
  requireEncrypted: 'boolean',
  compress: 'boolean',
  encryptionAlgorithm: encryptionAlgorithms,
  signingAlgorithm: signingAlgorithms,
  signaturePadding: signaturePaddings,
  keyTransport: keyTransports,
  mdn: mdnModes,
  mdnSigned: 'boolean',
  maxCompressionLayers: 'layers',
  asyncMdnHosts: 'hosts',
  asyncMdnPrivate: 'boolean',
};
export const optionNames = Object.keys(optionChoices) as (keyof PartnerOptions)[];

/**
 * RFC 4130 §6.2 AS2-name: 1 to 128 printable US-ASCII characters. A name with a space, a double
 * quote or a backslash is legal but must travel quoted (see `as2NameHeader`). Leading or
 * trailing spaces are refused: header parsers trim them, so such a name could never match.
 */
export function as2IdProblem(id: string): Problem | undefined {
  if (id.length === 0) return problem('common.required');
  if (id.length > 128) return problem('partners.as2IdTooLong', { length: id.length });
  const bad = [...id].find((c) => c < ' ' || c > '~');
  if (bad !== undefined) return problem('partners.as2IdNotAscii', { character: `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` });
  if (id.trim() !== id) return problem('partners.as2IdSpaces');
  return undefined;
}

/** The AS2-From / AS2-To header value for an AS2 name: atomic when it can be, else quoted. */
export function as2NameHeader(id: string): string {
  return /^[!#-[\]-~]+$/.test(id) ? id : `"${id.replace(/["\\]/g, '\\$&')}"`;
}

/** "4012345000009:14" → UNB S002 sender id and qualifier. */
export function parseEdiId(raw: string): { id: string; qualifier: string } | { problem: Problem } {
  const [id = '', qualifier = '', ...extra] = raw.trim().split(':');
  if (extra.length) return { problem: problem('partners.ediIdColons') };
  if (!/^[^+:'?*\s]{1,35}$/.test(id)) return { problem: problem('partners.badEdiId', { id }) };
  if (qualifier && !/^[A-Za-z0-9]{1,4}$/.test(qualifier)) return { problem: problem('partners.badEdiQualifier', { qualifier }) };
  return { id, qualifier };
}

export function as2UrlProblem(raw: string): Problem | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem('partners.notUrl');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return problem('partners.badUrlScheme', { scheme: url.protocol });
  if (url.username || url.password) return problem('partners.urlCredentials');
  return undefined;
}

const maxAsyncMdnHosts = 20;
const hostLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * One allow-list entry: a host name, an IPv4 literal or a bracketed IPv6 literal, with an
 * optional `:port` (a URL gives its host, and its port when it names one). Without a port the
 * entry allows the default port of the scheme (80, 443) only.
 */
function hostEntry(raw: string): string | undefined {
  let entry = raw.toLowerCase();
  if (entry.includes('://')) {
    try {
      entry = new URL(entry).host;
    } catch {
      return undefined;
    }
  }
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!m) return undefined;
  const [, host = '', portText] = m;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const suffix = port === undefined ? '' : `:${port}`;
  if (host.startsWith('[')) return host + suffix;
  if (host.length > 253) return undefined;
  return host.split('.').every((label) => hostLabel.test(label)) ? host + suffix : undefined;
}

/**
 * An async MDN host allow-list as typed (spaces, commas or new lines between entries, each
 * `host` or `host:port`; URLs give their host and port) → the stored form, sorted and
 * space-separated; or the problem.
 */
export function parseHostList(raw: string): { hosts: string } | { problem: Problem } {
  const entries = raw.split(/[\s,]+/).filter(Boolean);
  const hosts = new Set<string>();
  for (const entry of entries) {
    const host = hostEntry(entry);
    if (!host) return { problem: problem('partners.badHost', { entry }) };
    hosts.add(host);
  }
  if (hosts.size > maxAsyncMdnHosts) return { problem: problem('partners.tooManyHosts', { max: maxAsyncMdnHosts, count: hosts.size }) };
  return { hosts: [...hosts].sort().join(' ') };
}

/** Checks the options given (missing ones are left out); problems go to `problems` under `prefix`. */
export function readOptions(input: Partial<Record<keyof PartnerOptions, unknown>>, problems: Problems, prefix = ''): Partial<PartnerOptions> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(input)) {
    const value = input[name as keyof PartnerOptions];
    if (value === undefined) continue;
    const choices = optionChoices[name as keyof PartnerOptions];
    if (!choices) problems[prefix + name] = problem('partners.unknownOption', { options: optionNames.join(', ') });
    else if (choices === 'boolean') {
      if (typeof value === 'boolean') out[name] = value;
      else problems[prefix + name] = problem('partners.notBoolean');
    } else if (choices === 'layers') {
      const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= maxCompressionLayersLimit) out[name] = n;
      else problems[prefix + name] = problem('partners.badLayers', { max: maxCompressionLayersLimit, value: String(value) });
    } else if (choices === 'hosts') {
      const parsed = typeof value === 'string' ? parseHostList(value) : { problem: problem('partners.hostsNotList') };
      if ('hosts' in parsed) out[name] = parsed.hosts;
      else problems[prefix + name] = parsed.problem;
    } else if (typeof value === 'string' && choices.includes(value)) out[name] = value;
    else problems[prefix + name] = problem('partners.notOneOf', { choices: choices.join(', '), value: String(value) });
  }
  return out as Partial<PartnerOptions>;
}

/** One partner as the use cases return it. */
export interface EdiPartner extends PartnerOptions {
  id: string;
  organisationId: string;
  organisationName: string;
  organisationKind: PartnerKind;
  as2Id: string;
  as2Url: string | null;
  /** Marked internal by the administrator: the AS2 URL may be at a private or loopback address. */
  as2UrlInternal: boolean;
  ediId: string | null;
  ediQualifier: string;
  state: PartnerState;
  createdAt: string;
  updatedAt: string;
}

export interface PartnerRow {
  id: string;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: PartnerKind;
  as2_id: string;
  as2_url: string | null;
  as2_url_internal: number;
  edi_id: string | null;
  edi_qualifier: string;
  require_signed: number;
  require_encrypted: number;
  compress: number;
  encryption_algorithm: PartnerOptions['encryptionAlgorithm'];
  signing_algorithm: PartnerOptions['signingAlgorithm'];
  signature_padding: PartnerOptions['signaturePadding'];
  key_transport: PartnerOptions['keyTransport'];
  mdn: PartnerOptions['mdn'];
  mdn_signed: number;
  max_compression_layers: number;
  async_mdn_hosts: string;
  async_mdn_private: number;
  state: PartnerState;
  created_at: string;
  updated_at: string;
}

export const partnerSelect = `SELECT p.*, o.name AS organisation_name, o.kind AS organisation_kind
  FROM edi_partners p JOIN organisations o ON o.id = p.organisation_id`;

export function partnerFromRow(r: PartnerRow): EdiPartner {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    organisationKind: r.organisation_kind,
    as2Id: r.as2_id,
    as2Url: r.as2_url,
    as2UrlInternal: r.as2_url_internal === 1,
    ediId: r.edi_id,
    ediQualifier: r.edi_qualifier,
    requireSigned: r.require_signed === 1,
    requireEncrypted: r.require_encrypted === 1,
    compress: r.compress === 1,
    encryptionAlgorithm: r.encryption_algorithm,
    signingAlgorithm: r.signing_algorithm,
    signaturePadding: r.signature_padding,
    keyTransport: r.key_transport,
    mdn: r.mdn,
    mdnSigned: r.mdn_signed === 1,
    maxCompressionLayers: r.max_compression_layers,
    asyncMdnHosts: r.async_mdn_hosts,
    asyncMdnPrivate: r.async_mdn_private === 1,
    state: r.state,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The option columns, in the order of `optionNames`. */
export const optionColumns: Record<keyof PartnerOptions, string> = {
  requireSigned: 'require_signed',
  requireEncrypted: 'require_encrypted',
  compress: 'compress',
  encryptionAlgorithm: 'encryption_algorithm',
  signingAlgorithm: 'signing_algorithm',
  signaturePadding: 'signature_padding',
  keyTransport: 'key_transport',
  mdn: 'mdn',
  mdnSigned: 'mdn_signed',
  maxCompressionLayers: 'max_compression_layers',
  asyncMdnHosts: 'async_mdn_hosts',
  asyncMdnPrivate: 'async_mdn_private',
};

/** A boolean as SQLite stores it; other values as they are. */
export function columnValue(v: unknown): string | number {
  return typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number);
}
