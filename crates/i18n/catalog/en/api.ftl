## The API's problem+json answers (RFC 9457): the titles, one per kind of refusal.
api-title-not-found = not found
api-title-forbidden = forbidden
api-title-conflict = conflict
api-title-not-signed-in = not signed in
api-title-invalid-input = invalid input
api-title-invalid-request = invalid request
api-title-invalid-facts = invalid facts
api-title-unreadable-body = unreadable body
api-title-unsupported-media-type = unsupported media type
api-title-too-many-requests = too many requests
api-title-too-many-attempts = too many attempts
api-title-busy = busy
api-title-storage-unavailable = storage unavailable
api-title-server-error = server error

## What went wrong, in general.
api-session-expired = not signed in or the session has expired
api-problems-nothing-changed = { $count } problem(s); nothing was changed
api-changed-meanwhile = another request changed this first; reload and try again
api-disk-full = the ledger's disk is full: nothing was saved; try again once space has been freed
api-read-only = the ledger is read-only at the moment: nothing was saved; try again later
api-storage-io = the ledger could not write to its storage: nothing was saved; try again later
api-storage-unreachable = the ledger's database cannot be reached: nothing was saved; try again later
api-database-failed = the database failed; the change was not made
api-no-route = no route { $method } { $path }; see /api/openapi.json
api-request-refused = { $text }

## The request itself.
api-body-too-large = the request body is larger than this endpoint accepts
api-send-json = send the body as application/json
api-same-site-only = this request must come from this site
api-cookie-change-same-site = a cookie-authenticated change must come from this site
api-no-nul = text may not contain the NUL character (U+0000)
api-json-at = line { $line }, column { $column }: { $error }
api-bearer-shape = the Authorization header must be `Bearer <token>`
api-writes-per-minute = at most { $limit } changes a minute for this user; try again in { $wait } s
api-not-a-year = `{ $text }` is not a year from 1990 to 2100
api-at-most-years = at most 10 claim years per request
api-not-utf8 = not UTF-8 text: { $error }
api-facts-problems = { $count } problem(s) in the facts; nothing was evaluated
api-too-many-events = { $count } events: the calculator takes at most { $max } per request; evaluate a population with `qiangke batch`
api-evaluations-busy = too many evaluations at once; try again in a moment
api-wrong-sign-in = unknown user name or wrong password
api-sign-ins-throttled = too many failed sign-ins; try again in { $wait } s
api-sign-ins-busy = too many sign-ins at once; try again in a moment
api-query-import = { $error } (give ?source=…&format=csv|jsonl)
api-import-format = say ?format=csv or ?format=jsonl (or send Content-Type text/csv or application/x-ndjson)
api-not-a-budget-year = { $year } is not a budget year from 1990 to 2100
api-query-report = { $error } (give ?year=2025, and format=json, html or csv)
api-not-a-report-year = { $year } is not a report year
api-objections-per-minute = at most { $limit } objections a minute from one network address; try again in { $wait } s
