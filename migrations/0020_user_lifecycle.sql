-- User lifecycle in the portal and account claims from recall notice links (issue 10,
-- 21 CFR 11.10(d), 11.100): organisation administrators, one-time invitation links, and
-- one-time codes mailed to the address a notice went to. Secrets are stored only as hashes.

-- An organisation administrator invites, disables and re-enables the users of their own
-- organisation. (A manufacturer_admin administers every organisation whatever this says.)
ALTER TABLE memberships ADD COLUMN administers INTEGER NOT NULL DEFAULT 0 CHECK (administers IN (0, 1));

-- The invitee sets the first password through a one-time link; nobody else ever knows it.
CREATE TABLE user_invitations (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id),
  token_hash   TEXT NOT NULL UNIQUE,           -- hex SHA-256 of the link's token; the token is only in the mail
  created_by   TEXT,                           -- the administrator's user id
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  ended_at     TEXT,                           -- set once, when used or replaced: a link works at most once
  outcome      TEXT CHECK (outcome IN ('password_set', 'replaced'))
);
CREATE INDEX user_invitations_by_user ON user_invitations(user_id);

-- A recall notice link alone never creates an account: the claimant asks for a code, which
-- goes to the notice's address; only the right code, in time and within few tries, does.
CREATE TABLE notice_claims (
  id            TEXT PRIMARY KEY,
  notice_id     TEXT NOT NULL REFERENCES recall_notices(id),
  email         TEXT NOT NULL,                 -- one of the notice's recipients, lower-case
  display_name  TEXT NOT NULL,                 -- the printed name the claimant gave
  code_hash     TEXT NOT NULL,                 -- hex HMAC-SHA256 of the code, keyed by the claim id
  attempts      INTEGER NOT NULL DEFAULT 0,    -- wrong codes entered
  state         TEXT NOT NULL CHECK (state IN ('pending', 'used', 'locked', 'expired', 'replaced')),
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  ended_at      TEXT
);
CREATE INDEX notice_claims_by_notice ON notice_claims(notice_id, email, created_at);
