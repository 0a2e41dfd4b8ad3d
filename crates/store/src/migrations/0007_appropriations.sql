-- Version 7: what the budget appropriates to each line (budget year × paying department ×
-- clause), entered by finance. A change is a new row, never an edit: the newest row of a line is
-- the appropriation in force, the older ones its history.

CREATE TABLE appropriations (
    id {id},
    budget_year BIGINT NOT NULL,
    payer TEXT NOT NULL,
    clause TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    entered_by BIGINT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL
);

CREATE INDEX appropriations_line ON appropriations (budget_year, payer, clause, id);
