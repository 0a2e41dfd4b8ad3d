-- Version 5: what many awards' explanations share, kept once. An award keeps its own result, its
-- trace and its explanation in `awards.result`; what its rule says (text, quotes, the notes of
-- interpretation that applied) is the same for every award of that rule and pack, and is kept
-- here under the SHA-256 of its text, which the award names (`"shared": "<hash>"`). A row is
-- never changed: its key is its content.

CREATE TABLE shared_texts (
    hash TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
