-- Version 6: payments with their vouchers, and reversals. Finance pays one or many scheduled
-- payouts with one voucher (its number, the payment date, the paying account). A payment is never
-- edited or deleted: a payout paid in error is reversed by an entry of its own, with a reason,
-- and can then be paid again. `request_key` makes one submission of a payment form one payment,
-- however often it is sent. Payments, their lines, reversals (and, from version 7,
-- appropriations) are rows the audit chain covers, like awards, decisions and payouts.

CREATE TABLE payments (
    id {id},
    voucher TEXT NOT NULL,
    -- The payment date, YYYY-MM-DD.
    paid_on TEXT NOT NULL,
    account TEXT NOT NULL,
    total_fen BIGINT NOT NULL,
    request_key TEXT NOT NULL UNIQUE,
    entered_by BIGINT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL
);

CREATE TABLE payment_lines (
    id {id},
    payment_id BIGINT NOT NULL REFERENCES payments (id),
    payout_id BIGINT NOT NULL REFERENCES payouts (id),
    amount_fen BIGINT NOT NULL,
    UNIQUE (payment_id, payout_id)
);

CREATE TABLE reversals (
    id {id},
    payout_id BIGINT NOT NULL REFERENCES payouts (id),
    -- The payment reversed (none for a payout recorded paid without a voucher, before version 6).
    payment_id BIGINT REFERENCES payments (id),
    amount_fen BIGINT NOT NULL,
    reason TEXT NOT NULL,
    entered_by BIGINT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL
);

ALTER TABLE payouts ADD COLUMN payment_id BIGINT REFERENCES payments (id);
