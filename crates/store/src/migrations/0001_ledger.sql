-- The award ledger, version 1. One text for SQLite and PostgreSQL: `{id}` becomes the backend's
-- generated primary key. Money is integer fen (BIGINT); an open upper end of an amount is NULL.
-- Times are Unix milliseconds (BIGINT, UTC). Every statement ends with `;` at the end of a line.

CREATE TABLE users (
    id {id},
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('entity', 'reviewer', 'finance', 'county', 'admin')),
    entity_id BIGINT,
    department TEXT,
    county TEXT,
    created_at BIGINT NOT NULL
);

-- Browser sessions (cookie) and API tokens (bearer): only the SHA-256 of the secret is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE entities (
    id {id},
    uscc TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    county TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE imports (
    id {id},
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    entered_by BIGINT NOT NULL,
    entered_at BIGINT NOT NULL
);

-- Facts with provenance. `scope` is 'attribute' (year NULL), 'yearly' or 'event' (value is the
-- event as JSON). The newest row of an attribute or yearly figure is the one in force; nothing is
-- ever updated in place.
CREATE TABLE facts (
    id {id},
    entity_id BIGINT NOT NULL REFERENCES entities (id),
    scope TEXT NOT NULL CHECK (scope IN ('attribute', 'yearly', 'event')),
    year BIGINT,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    entered_by BIGINT NOT NULL,
    entered_at BIGINT NOT NULL,
    import_id BIGINT REFERENCES imports (id)
);
CREATE INDEX facts_by_entity ON facts (entity_id, id);

-- An application: one evaluation of an entity for a claim year, kept whole.
CREATE TABLE applications (
    id {id},
    entity_id BIGINT NOT NULL REFERENCES entities (id),
    claim_year BIGINT NOT NULL,
    pack_hash TEXT NOT NULL,
    evaluation TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- An award found by an application, routed to the departments that verify its rule
-- (`verifiers`: department ids separated by ','), waiting for verification and a decision.
CREATE TABLE awards (
    id {id},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    entity_id BIGINT NOT NULL REFERENCES entities (id),
    rule_id TEXT NOT NULL,
    clause TEXT NOT NULL,
    claim_year BIGINT NOT NULL,
    budget_year BIGINT NOT NULL,
    verifiers TEXT NOT NULL,
    payer TEXT,
    low_fen BIGINT NOT NULL,
    high_fen BIGINT,
    once_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'decided')),
    result TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX awards_by_entity ON awards (entity_id);
CREATE INDEX awards_by_status ON awards (status);

CREATE TABLE verifications (
    id {id},
    award_id BIGINT NOT NULL REFERENCES awards (id),
    department TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'reject')),
    reason TEXT NOT NULL,
    reviewer BIGINT NOT NULL,
    at BIGINT NOT NULL,
    UNIQUE (award_id, department)
);

CREATE TABLE decisions (
    id {id},
    award_id BIGINT NOT NULL UNIQUE REFERENCES awards (id),
    amount_fen BIGINT NOT NULL,
    reason TEXT NOT NULL,
    decided_by BIGINT NOT NULL,
    at BIGINT NOT NULL
);

-- One payout per award, and one per once-key: a one-time award is paid at most once, whatever
-- the application, enforced by the database.
CREATE TABLE payouts (
    id {id},
    award_id BIGINT NOT NULL UNIQUE REFERENCES awards (id),
    once_key TEXT NOT NULL UNIQUE,
    entity_id BIGINT NOT NULL REFERENCES entities (id),
    budget_year BIGINT NOT NULL,
    payer TEXT,
    clause TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'paid')),
    scheduled_at BIGINT NOT NULL,
    paid_at BIGINT,
    paid_by BIGINT
);

-- The append-only audit log. `hash` = SHA-256 over the previous hash and every field of the
-- entry; `audit_head` holds the newest sequence number and hash, and its row is the lock every
-- writing transaction takes first, so entries form one chain.
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    entity_id BIGINT,
    department TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
