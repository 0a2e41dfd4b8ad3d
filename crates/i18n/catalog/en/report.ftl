## Plan monitoring: indicator progress, the county assessment, key tasks, the yearly monitoring report (qiangke-monitor).

## Indicator statuses.
monitor-status-achieved = achieved
monitor-status-on-track = on track
monitor-status-behind = behind
monitor-status-at-risk = at risk
monitor-status-no-data = no data
monitor-status-not-computable = cannot be computed

## Notes on an indicator's progress, and why it cannot be computed.
monitor-note-latest-earlier = no observation for { $year }; the latest is { $latest }'s
monitor-note-no-county-baseline = no county observation for the baseline year { $year }
monitor-note-city-target = compared with the city's 2025 target (no county targets in the source)
monitor-nc-no-baseline = no usable baseline
monitor-nc-no-target = no 2025 target
monitor-nc-baseline-beyond-target = the baseline is already at or beyond the target
monitor-nc-baseline-year = the baseline year { $year } is not before 2025
monitor-nc-out-of-range = values out of range
monitor-scope-city = the city

## Importing indicator observations and task updates (CSV): the line and column at fault, and what was expected.
monitor-import-at-line = line { $line }: { $detail }
monitor-import-at-field = line { $line } `{ $field }`: { $detail }
monitor-import-unreadable-header = unreadable header: { $error }
monitor-import-header = the header must be `{ $header }`
monitor-import-unreadable-row = unreadable row: { $error }
monitor-import-field-count = the row has { $found } fields, the header has { $expected }
monitor-import-not-number = `{ $text }` is not a number
monitor-obs-unknown-indicator = `{ $text }` is not an indicator of the plan (use its id, number or name)
monitor-obs-unknown-scope = `{ $text }` is neither `city` nor a county ({ $counties-en })
monitor-obs-not-year = `{ $text }` is not a year (2000 to 2100)
monitor-obs-implausible = { $value }: implausibly large or finer than 8 decimals
monitor-obs-wrong-unit = indicator { $number } `{ $name-en }` is measured in `{ $expected }`, not `{ $unit }`
monitor-obs-percent-range = { $value }: a percentage must be between 0 and 100 (indicator { $number } `{ $name-en }`)
monitor-obs-count-whole = { $value }: a count must be a whole number, 0 or more (indicator { $number } `{ $name-en }`)
monitor-obs-negative = { $value }: the value cannot be negative (indicator { $number } `{ $name-en }`)
monitor-obs-no-source = every observation names its source
monitor-obs-duplicate = indicator { $number } `{ $name-en }` already has a value for { $scope-en } in { $year }
monitor-task-unknown = `{ $text }` is not a task (use its id like 3-1-2 or clause like 三(一)2)
monitor-task-unknown-unit = `{ $text }` is not a declared department

## What of a key task is overdue.
monitor-overdue-target = { $what-en }: { $value } { $unit } by { $year } (latest: { $latest })
monitor-overdue-target-none = { $what-en }: { $value } { $unit } by { $year } (no value reported)
monitor-overdue-milestone = { $what-en } ({ $year }), no update since

## The county assessment: its weights (assessment.toml) and the parts of a score.
monitor-weights-equal = equal weights (the plan gives none)
monitor-weights-unreadable = assessment.toml: { $error }
monitor-weights-syntax = assessment.toml line { $line }, column { $column }: { $error }
monitor-weights-not-number = assessment.toml: `{ $key }` must be a number
monitor-weights-not-number-fraction = assessment.toml: `{ $key }` must be a number (write fractions as strings, "0.5")
monitor-weights-negative = assessment.toml: `{ $key }` cannot be negative
monitor-weights-not-text = assessment.toml: `{ $key }` must be a string
monitor-weights-no-indicator = assessment.toml: `{ $key }`: no indicator `{ $id }`
monitor-weights-no-note = assessment.toml: `{ $key }`: no note `{ $id }`
monitor-weights-source = assessment.toml: `{ $key }` must be a string or {"{"} zh = "…", en = "…" {"}"}
monitor-weights-unknown-key = assessment.toml: unknown key `{ $key }`
monitor-part-completion = indicator completion
monitor-part-fiscal = fiscal S&T spending share
monitor-part-rd = R&D input
monitor-assess-part-missing = no data for { $detail }; left out of the score

## The yearly monitoring report: title, table headers, legend and notes.
report-title = { $plan } — monitoring report { $year }
report-intro = Rule pack { $pack } · sha256 { $hash } · Status: achieved when the 2025 target is reached; on track when the share of the way is at least the linear path; behind when short of it by at most 10 percentage points; at risk beyond that.
report-indicators = Main indicators
report-chart-progress = Progress toward the 2025 targets, with the linear path
report-chart-legend = Bars: the share of the way from the baseline to the 2025 target; black mark: the linear path (equal steps each year); dashed line: 100%.
report-col-number = No.
report-col-indicator = Indicator
report-col-unit = Unit
report-col-baseline = Baseline (year)
report-col-target-2022 = 2022 target
report-col-target-2025 = 2025 target
report-col-latest = Latest value (year)
report-col-share = Share of the way
report-col-linear = Linear path
report-col-status = Status
report-col-met-2022 = 2022 target met
report-col-needed = Change needed per year
report-col-projection = 2025 by the trend
report-col-awards = Awards of linked rules
report-awards-in-year = { $year }: { $count }
report-yes = yes
report-no = no
report-list-separator = {", "}
report-counties = County assessment
report-chart-counties = County scores
report-weights = Weights (indicator completion : fiscal S&T spending share : R&D input) { $completion } : { $fiscal } : { $rd }. Source: { $source }
report-note = Interpretation [{ $clause }]: { $choice } — { $reason }
report-col-rank = Rank
report-col-county = County or district
report-col-completion = Indicator completion
report-col-fiscal = Fiscal S&T spending share
report-col-rd = R&D input
report-col-score = Score
report-tasks = Key tasks
report-col-clause = Clause
report-col-task = Task
report-col-lead = Lead unit
report-col-overdue = Overdue
report-overdue-separator = {"; "}
report-units = By responsible unit
report-col-unit-name = Unit
report-col-leads = Tasks led
report-col-supports = Tasks supported
report-col-leads-overdue = Led tasks overdue
report-missing = Missing data
report-missing-none = none
report-missing-observation = indicator { $number } { $name-en }: no city observation up to { $year }
report-missing-not-computable = indicator { $number } { $name-en }: { $detail }
report-missing-county = { $county-en }: { $detail }
report-missing-updates = no task progress updates were given
report-missing-awards = no award table was given (qiangke batch … --out awards.csv; then --awards): awards are not shown beside the indicators
report-awards-unreadable = unreadable award table: { $error }
report-awards-column = the award table needs { $column } in column { $position } (line { $line })
