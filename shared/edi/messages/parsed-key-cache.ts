/**
 * Parsed keys and certificates, by the id of their stored row. Parsing a PEM key pair costs
 * milliseconds (pkijs + node crypto), more than the RSA operation it is used for, and the rows
 * never change (as2_identity_keys and edi_partner_certificates refuse edits), so an id always
 * names the same bytes. Which ids are current is still read from the database per message.
 */
import { loadCertificate, loadKeyPair, type As2Certificate, type As2KeyPair } from '../../as2/index.ts';

const maxEntries = 1000;
const keyPairs = new Map<string, As2KeyPair>();
const certificates = new Map<string, As2Certificate>();

function remember<T>(cache: Map<string, T>, id: string, parse: () => T): T {
  let value = cache.get(id);
  if (value === undefined) {
    if (cache.size >= maxEntries) cache.clear();
    value = parse();
    cache.set(id, value);
  }
  return value;
}

export function cachedKeyPair(stored: { keyId: string; privateKeyPem: string; certificatePem: string }): As2KeyPair {
  return remember(keyPairs, stored.keyId, () => loadKeyPair(stored.privateKeyPem, stored.certificatePem));
}

export function cachedCertificate(stored: { id: string; pem: string }): As2Certificate {
  return remember(certificates, stored.id, () => loadCertificate(stored.pem));
}
