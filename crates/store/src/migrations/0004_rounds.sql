-- Version 4: the 免申即享 round. The bureau opens a round for a claim year; every registered
-- entity is evaluated on the facts in force and each award found becomes a proposal the entity
-- confirms or declines before any department verifies it. No application is needed.

CREATE TABLE rounds (
    id {id},
    claim_year BIGINT NOT NULL,
    -- The rules the round covers, ids separated by ',' ('' = every award rule of the pack).
    rules TEXT NOT NULL,
    pack_hash TEXT NOT NULL,
    opened_by BIGINT NOT NULL REFERENCES users (id),
    opened_at BIGINT NOT NULL,
    entities BIGINT NOT NULL,
    proposed BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    flagged BIGINT NOT NULL,
    needs BIGINT NOT NULL,
    refused BIGINT NOT NULL
);

-- The round that proposed an award (NULL: the entity applied itself); the entity's answer
-- (NULL for an application: it asked; else 'awaiting', 'confirmed' or 'declined'); and, when a
-- later round found a different result for the same once-key, what it found (JSON), for a person
-- to review: the award itself is never altered.
ALTER TABLE awards ADD COLUMN round_id BIGINT;
ALTER TABLE awards ADD COLUMN confirmation TEXT;
ALTER TABLE awards ADD COLUMN confirmed_by BIGINT;
ALTER TABLE awards ADD COLUMN confirmed_at BIGINT;
ALTER TABLE awards ADD COLUMN review_flag TEXT;

-- What a round could not decide for want of facts: per entity and rule, the facts to provide
-- (JSON array of {fact, zh, en}). The newest round of a claim year is the one in force.
CREATE TABLE round_needs (
    id {id},
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    entity_id BIGINT NOT NULL REFERENCES entities (id),
    rule_id TEXT NOT NULL,
    facts TEXT NOT NULL
);
CREATE INDEX round_needs_by_entity ON round_needs (entity_id, round_id);
-- Once-keys are looked up for every result of every entity in a round.
CREATE INDEX awards_by_once_key ON awards (once_key);
