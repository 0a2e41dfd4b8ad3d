-- Plan monitoring, version 2: indicator observations and task progress updates, append-only with
-- provenance. The newest observation of an indicator, scope and year is the one in force.

CREATE TABLE observations (
    id {id},
    indicator TEXT NOT NULL,
    scope TEXT NOT NULL,
    year BIGINT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    entered_by BIGINT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL
);
CREATE INDEX observations_by_key ON observations (indicator, scope, year, id);

CREATE TABLE task_updates (
    id {id},
    task TEXT NOT NULL,
    date TEXT NOT NULL,
    unit TEXT,
    text TEXT NOT NULL,
    value TEXT,
    entered_by BIGINT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL
);
