-- Version 3, after an attack on the ledger: decisions above a plausible ceiling wait for a second
-- approval; users can be disabled; sign-in attempts are throttled across restarts and logged;
-- applications remember the facts they were made on.

-- A decision above the pack's ceiling for open amounts (`ceiling_fen`, NULL when within it) is
-- scheduled for payment only once another person has approved it (`second_by`, `second_at`).
ALTER TABLE decisions ADD COLUMN ceiling_fen BIGINT;
ALTER TABLE decisions ADD COLUMN second_by BIGINT;
ALTER TABLE decisions ADD COLUMN second_at BIGINT;

-- Sign-in throttling that survives a restart: failures per account (`user:NAME`) and per client
-- (`client:ADDRESS`) with the time of the last one; the clients each account signed in from.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE TABLE sign_in_clients (
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    last_ok_at BIGINT NOT NULL,
    PRIMARY KEY (username, client)
);
-- Every sign-in, failure, refusal and sign-out: who, from where, what happened.
CREATE TABLE sign_in_log (
    id {id},
    at BIGINT NOT NULL,
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX sign_in_log_by_at ON sign_in_log (at);

-- The audit chain keyed with a secret kept outside the database: `scheme` 1 is the plain SHA-256
-- chain of versions 1 and 2, 2 is HMAC-SHA-256 with the audit key (see audit.rs).
ALTER TABLE audit ADD COLUMN scheme BIGINT NOT NULL DEFAULT 1;

-- What an application was made on: SHA-256 of the pack and the facts in force. An identical
-- re-application returns the existing one; a rejected award stays rejected until the facts it
-- was decided on change.
ALTER TABLE applications ADD COLUMN facts_hash TEXT;
CREATE INDEX applications_by_entity ON applications (entity_id, claim_year, id);

-- A user can be disabled (its sessions end; it cannot sign in) without losing its history.
ALTER TABLE users ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sessions_by_user ON sessions (user_id);
