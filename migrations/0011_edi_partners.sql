-- EDI partners (the supplier or distributor organisations that exchange AS2/EDIFACT with us)
-- and our own AS2 identity. Our AS2 id is configuration (AS2_ID); our key pairs live here.

-- One row per partner AS2 identity. as2_id is compared byte for byte (RFC 4130: AS2-From and
-- AS2-To are case-sensitive); SQLite's default BINARY collation does exactly that.
CREATE TABLE edi_partners (
  id                    TEXT PRIMARY KEY,
  organisation_id       TEXT NOT NULL REFERENCES organisations(id),      -- the supplier/distributor this partner is
  as2_id                TEXT NOT NULL UNIQUE CHECK (length(as2_id) BETWEEN 1 AND 128),
  as2_url               TEXT CHECK (as2_url IS NULL OR as2_url LIKE 'http://%' OR as2_url LIKE 'https://%'),  -- where we send
  edi_id                TEXT,                                             -- UNB S002 0004, e.g. 4012345000009
  edi_qualifier         TEXT NOT NULL DEFAULT '',                         -- UNB S002 0007, e.g. 14 ('' = none, as in edi_interchanges)
  -- What we expect of inbound messages.
  require_signed        INTEGER NOT NULL DEFAULT 1 CHECK (require_signed IN (0, 1)),
  require_encrypted     INTEGER NOT NULL DEFAULT 1 CHECK (require_encrypted IN (0, 1)),
  -- How we wrap outbound messages.
  compress              INTEGER NOT NULL DEFAULT 0 CHECK (compress IN (0, 1)),
  encryption_algorithm  TEXT NOT NULL DEFAULT 'aes-256-cbc'
                        CHECK (encryption_algorithm IN ('aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm', 'des-ede3-cbc')),
  signing_algorithm     TEXT NOT NULL DEFAULT 'sha-256' CHECK (signing_algorithm IN ('sha-1', 'sha-256', 'sha-384', 'sha-512')),
  signature_padding     TEXT NOT NULL DEFAULT 'pkcs1-v1.5' CHECK (signature_padding IN ('pkcs1-v1.5', 'pss')),
  key_transport         TEXT NOT NULL DEFAULT 'rsa-pkcs1-v1.5' CHECK (key_transport IN ('rsa-pkcs1-v1.5', 'rsa-oaep')),
  -- The MDN we ask for on outbound messages (an async MDN comes back to our own /as2 URL).
  mdn                   TEXT NOT NULL DEFAULT 'sync' CHECK (mdn IN ('sync', 'async', 'none')),
  mdn_signed            INTEGER NOT NULL DEFAULT 1 CHECK (mdn_signed IN (0, 1)),
  state                 TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL
);
CREATE INDEX edi_partners_by_organisation ON edi_partners(organisation_id);
-- An interchange's sender (UNB S002) names one partner.
CREATE UNIQUE INDEX edi_partners_by_edi_id ON edi_partners(edi_id, edi_qualifier) WHERE edi_id IS NOT NULL;

-- A partner's certificates. Several are current at once while a partner rolls over; removing
-- one sets removed_at, the row stays (what verified a message must stay explainable).
CREATE TABLE edi_partner_certificates (
  id                  TEXT PRIMARY KEY,
  partner_id          TEXT NOT NULL REFERENCES edi_partners(id),
  certificate_pem     TEXT NOT NULL,
  fingerprint_sha256  TEXT NOT NULL CHECK (length(fingerprint_sha256) = 64),   -- lower-case hex of SHA-256(DER)
  subject             TEXT NOT NULL,
  issuer              TEXT NOT NULL,
  serial_number       TEXT NOT NULL,                                            -- lower-case hex
  not_before          TEXT NOT NULL,
  not_after           TEXT NOT NULL,
  usage               TEXT NOT NULL DEFAULT 'both' CHECK (usage IN ('signing', 'encryption', 'both')),
  added_at            TEXT NOT NULL,
  removed_at          TEXT
);
-- One current copy of a certificate per partner; a removed one may be added again.
CREATE UNIQUE INDEX edi_partner_certificates_current ON edi_partner_certificates(partner_id, fingerprint_sha256) WHERE removed_at IS NULL;
CREATE INDEX edi_partner_certificates_by_fingerprint ON edi_partner_certificates(fingerprint_sha256);

CREATE TRIGGER edi_partner_certificates_content_fixed
BEFORE UPDATE OF id, partner_id, certificate_pem, fingerprint_sha256, subject, issuer, serial_number, not_before, not_after, usage, added_at
ON edi_partner_certificates
BEGIN SELECT RAISE(ABORT, 'a partner certificate is never edited; add a new one'); END;
CREATE TRIGGER edi_partner_certificates_removed_once BEFORE UPDATE OF removed_at ON edi_partner_certificates
WHEN OLD.removed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a removed partner certificate stays removed'); END;
CREATE TRIGGER edi_partner_certificates_no_delete BEFORE DELETE ON edi_partner_certificates
BEGIN SELECT RAISE(ABORT, 'partner certificates are kept: set removed_at instead of DELETE'); END;

-- Our key pairs. The private key (PKCS#8 PEM) is kept here and nowhere else: not in git, not
-- in logs, not in the audit trail (which records the fingerprint). The newest active key
-- signs; every active key, and every retired one until it expires, may decrypt.
CREATE TABLE as2_identity_keys (
  id                  TEXT PRIMARY KEY,
  purpose             TEXT NOT NULL DEFAULT 'both' CHECK (purpose IN ('signing', 'encryption', 'both')),
  private_key_pem     TEXT NOT NULL,
  certificate_pem     TEXT NOT NULL,
  fingerprint_sha256  TEXT NOT NULL UNIQUE CHECK (length(fingerprint_sha256) = 64),
  subject             TEXT NOT NULL,
  not_before          TEXT NOT NULL,
  not_after           TEXT NOT NULL,
  state               TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'retired')),
  created_at          TEXT NOT NULL,
  retired_at          TEXT
);
CREATE INDEX as2_identity_keys_by_state ON as2_identity_keys(state, created_at);

CREATE TRIGGER as2_identity_keys_content_fixed
BEFORE UPDATE OF id, purpose, private_key_pem, certificate_pem, fingerprint_sha256, subject, not_before, not_after, created_at
ON as2_identity_keys
BEGIN SELECT RAISE(ABORT, 'an AS2 identity key is never edited; rotate to a new one'); END;
CREATE TRIGGER as2_identity_keys_no_delete BEFORE DELETE ON as2_identity_keys
BEGIN SELECT RAISE(ABORT, 'AS2 identity keys are kept: retire them instead of DELETE'); END;
