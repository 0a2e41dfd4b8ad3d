-- Version 8: 公示 (public announcement) of decided awards before payment, and objections. A
-- practice of the bureau, configured in the pack (`[publication]`). A publication lists decided
-- awards for a period of working days (`starts_on` to `ends_on`, both included, dates in China
-- Standard Time); during it anyone may object to an award on the list, and the objection goes to
-- the department that decided. A ruling settles it: upheld, the decision is withdrawn (its payout
-- can no longer be paid); rejected, the decision stands. Nothing here is edited or deleted: a
-- ruling is a row of its own, and every row is covered by the audit chain.

CREATE TABLE publications (
    id {id},
    title TEXT NOT NULL,
    -- The claim year published, or NULL for every decided award not yet published.
    claim_year BIGINT,
    published_on TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    working_days BIGINT NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users (id),
    published_at BIGINT NOT NULL
);

-- An award is published once.
CREATE TABLE publication_items (
    id {id},
    publication_id BIGINT NOT NULL REFERENCES publications (id),
    award_id BIGINT NOT NULL UNIQUE REFERENCES awards (id),
    amount_fen BIGINT NOT NULL
);
CREATE INDEX publication_items_by_publication ON publication_items (publication_id, id);

CREATE TABLE objections (
    id {id},
    publication_id BIGINT NOT NULL REFERENCES publications (id),
    award_id BIGINT NOT NULL REFERENCES awards (id),
    -- The department that decided the award: it rules on the objection.
    department TEXT NOT NULL,
    reason TEXT NOT NULL,
    contact TEXT NOT NULL,
    -- Who objects, as they give it (may be empty: an objection may be anonymous but for its contact).
    name TEXT NOT NULL,
    filed_at BIGINT NOT NULL
);
CREATE INDEX objections_by_award ON objections (award_id);

CREATE TABLE objection_rulings (
    id {id},
    objection_id BIGINT NOT NULL UNIQUE REFERENCES objections (id),
    award_id BIGINT NOT NULL REFERENCES awards (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('upheld', 'rejected')),
    reason TEXT NOT NULL,
    ruled_by BIGINT NOT NULL REFERENCES users (id),
    ruled_at BIGINT NOT NULL
);
CREATE INDEX objection_rulings_by_award ON objection_rulings (award_id, verdict);
