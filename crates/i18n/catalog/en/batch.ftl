## Batch runs (qiangke batch): problems with the input, located by line and column.
batch-at-line = line { $line }: { $message }
batch-at-cell = line { $line }, column { $column } `{ $field }`: { $message }
batch-at-column = column { $column } `{ $name }`: { $message }
batch-with-hint = { $message } ({ $hint })
batch-row-width = the row has { $n } fields, the header has { $header }
batch-row-width-one = the row has 1 field, the header has { $header }
batch-cell-not-utf8 = the cell is not UTF-8 text
batch-line-not-utf8 = the line is not UTF-8 text
batch-not-a-year = `{ $text }` is not a calendar year
batch-row-needs-id = every row needs the entity's id
batch-row-needs-year = every row needs its year
batch-event-without-date = `{ $event }` has values but no `{ $event }.date`
batch-year-rows-differ = entity `{ $id }` has two rows for { $year } with different `{ $name }`
batch-attribute-differs = `{ $name }` differs from an earlier row of entity `{ $id }`
batch-unsorted = id `{ $id }` comes after `{ $before }`: rows must be sorted by id with each entity's rows together, so that all its years are evaluated at once
batch-again-after-document = entity `{ $id }` appears again after a facts document with all its years
batch-invalid-json = invalid JSON: { $detail }
batch-json-not-object = each line must be a JSON object
batch-json-value = `{ $name }` must be a string, number, boolean or null
batch-unreadable-csv = unreadable CSV: { $detail }

## Problems with the header.
batch-header-misfit = the header does not fit the pack:
batch-column-twice = this fact has a column already
batch-not-a-fact = not a fact of the pack; { $detail }
batch-did-you-mean = did you mean `{ $name }`?
batch-columns-are = columns are id, name, year (or 主体编号, 主体名称, 年度), the pack's attributes and yearly figures, and EVENT.FIELD, by id or by Chinese name
batch-header-lacks = the header has no `{ $what }` column
batch-header-not-utf8 = line 1: the header is not UTF-8 text
batch-header-unended = the header row never ends (no line break outside quotes)
batch-empty-csv = the input is empty: expected a header row naming the pack's facts (id, year, …)
batch-empty-jsonl = the input is empty: expected one JSON object per line

## Problems with the whole run.
batch-io = { $path }: { $detail }
batch-strict = { $n } bad rows (strict mode): no output was written; see the errors
batch-strict-one = 1 bad row (strict mode): no output was written; see the errors
batch-other = { $detail }
batch-unknown-format = { $path }: unknown input format (expected .csv, .jsonl, .xlsx or .parquet)
batch-parquet-feature = { $path }: Parquet needs a build with the `parquet` feature (cargo build --release --features parquet)
batch-parquet-unreadable = cannot read the Parquet input: { $detail }
batch-parquet-output = { $path }: Parquet output is for the award table, in a build with the `parquet` feature
batch-xlsx-feature = { $path }: .xlsx needs a build with the `xlsx` feature (the qiangke binary has it)
batch-file-only = Parquet and .xlsx are read from a file, not a stream
batch-cannot-read = cannot read the input: { $detail }
batch-not-text = { $detail }
batch-reader-failed = the reader failed
batch-workers-stopped = the workers stopped
batch-cannot-write = cannot write { $path }: { $detail }

## The budget table (terminal).
batch-budget-year = year
batch-budget-payer = paid by
batch-budget-clause = clause
batch-budget-count = awards
batch-budget-low = low
batch-budget-high = high
batch-budget-subtotal = subtotal
batch-budget-no-upper-limit = no upper limit
batch-budget-total = total

## Excel and Parquet cells.
xlsx-not-finite = the cell is not a finite number
xlsx-duration = the cell holds a duration ({ $text }), not a value of the pack
xlsx-excel-error = the cell holds the Excel error { $text }
xlsx-date-time = the cell holds a date with a time of day or out of range ({ $serial })
xlsx-1900-02-29 = the cell holds 1900-02-29, which Excel counts but the calendar does not
xlsx-impossible-date = the cell holds an impossible date ({ $serial })
parquet-negative-scale = decimals with a negative scale ({ $scale }) are not supported
parquet-type = Parquet type { $type } is not supported (use strings, integers, booleans, dates or decimals)
parquet-float = { $value } is a binary float, which cannot hold an exact amount; store it as a decimal or a string
parquet-decimal-range = decimal out of range: { $detail }
xlsx-unreadable = { $what }: not a readable workbook ({ $detail })
xlsx-no-such-sheet = { $what }: no sheet named `{ $sheet }` (sheets: { $sheets })
xlsx-no-sheet = { $what }: the workbook has no sheet
xlsx-sheet-unreadable = { $what }: cannot read sheet `{ $sheet }` ({ $detail })
xlsx-empty-sheet = { $what }: sheet `{ $sheet }` is empty

## What-if reforms (qiangke whatif, the what-if page)
whatif-error-at = { $file }: { $message }
whatif-error-pack = the reform makes the pack invalid:
    { $report }
whatif-toml = not valid TOML: { $detail }
whatif-unknown-section = unknown section [[{ $section }]] (expected [[rule]], [[tier]] or [[sweep]])
whatif-not-a-table = each [[{ $section }]] must be a table
whatif-needs-string = [[{ $section }]] needs `{ $key }` (text)
whatif-needs-band = a [[{ $section }]] of a tier table needs `band`, counted from 1
whatif-value-not-string = `{ $field }` must be text, in quotes
whatif-sweep-target = a change names a `rule`, or a `table` and a `band`
whatif-sweep-values = a [[sweep]] needs `values`, a list of texts
whatif-no-rule = the pack has no rule `{ $rule }`
whatif-no-table = the pack has no tier table `{ $table }`
whatif-no-band = tier table `{ $table }` has no band { $band }
whatif-reorders = a reform may change rules, not add, remove or reorder them
whatif-awards = Awards gained { $gained }, lost { $lost }, changed in amount { $changed }.
whatif-better = {" "}Better off: { $n } entities, { $total } in all, at most { $most } for one.
whatif-none-better = {" "}Nobody is better off.
whatif-worse = {" "}Worse off: { $n } entities, { $total } in all, at most { $most } for one.
whatif-none-worse = {" "}Nobody is worse off.
