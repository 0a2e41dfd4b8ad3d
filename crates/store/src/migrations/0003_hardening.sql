-- Version 3, after an attack on the ledger: decisions above a plausible ceiling wait for a second
-- approval; users can be disabled; sign-in attempts are throttled across restarts and logged;
-- applications remember the facts they were made on.

-- A decision above the pack's ceiling for open amounts (`ceiling_fen`, NULL when within it) is
-- scheduled for payment only once another person has approved it (`second_by`, `second_at`).
ALTER TABLE decisions ADD COLUMN ceiling_fen BIGINT;
ALTER TABLE decisions ADD COLUMN second_by BIGINT;
ALTER TABLE decisions ADD COLUMN second_at BIGINT;
