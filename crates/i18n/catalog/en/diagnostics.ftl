# What is wrong in a pack, a facts file or a test case, located like a compiler's errors
# (qiangke_rules::diag). Codes, file names, lines and the source stay as they are.

## The frame of a diagnostic: `error[E002]: …` and `= help: …`.
diag-error = error
diag-warning = warning
diag-help = help
diag-did-you-mean = did you mean `{ $name }`?

## Reading a pack folder (E042).
e-not-utf8 = { $name } is not UTF-8 text
e-cannot-read = cannot read { $name }: { $reason }
e-folder-lacks = the pack folder has no { $name }
e-cannot-read-folder = cannot read the { $name } folder: { $reason }
e-source-outside = source `{ $name }` must be a file inside the pack folder
e-no-manifest = the pack has no pack.toml
e-source-missing = source text `{ $name }` is not in the pack
e-no-vocabulary = the pack has no facts.toml (the fact vocabulary)
e-no-rules = the pack has no rules (rules/*.toml declares none)

## The shape of a pack file (E001–E003, E011).
e-invalid-toml = invalid TOML: { $detail }
e-unknown-field = unknown field `{ $name }`
e-expected-one-of = expected one of: { $list }
e-missing-field = missing required field `{ $name }`
e-hint-field-quote = every rule quotes the sentence of the source it encodes, verbatim
e-hint-field-clause = every rule names its clause, e.g. 四(二)8
e-hint-field-once = say what makes two awards the same, e.g. once = ["recognition.kind"]
e-hint-field-budget-year = "same" or "next" (列入次年…预算)
e-hint-field-departments = name departments declared in pack.toml
e-hint-field-other = see the pack format in ARCHITECTURE.md
e-declared-twice = { $kind ->
        [variant] variant
        [department] department
        [enum] enum
        [event] event
        [note] note
        [tier-table] tier table
        [indicator] indicator
        [target] target
        [task] task
       *[other] { $kind }
    } `{ $name }` is declared twice
e-field-declared-twice = `{ $name }` is declared twice
e-rule-id-twice = rule id `{ $name }` is used twice
e-hint-rule-id = every rule needs its own id: awards and the ledger refer to it

## The fact vocabulary (facts.toml).
e-unknown-type = unknown type `{ $name }`
e-types-are = types are { $list }
e-required-and-required-when = give `required` or `required_when`, not both
e-unknown-shorthand = unknown shorthand `{ $name }`
e-hint-shorthand = the only shorthand is "every-year"
e-no-such-enum = no enum named `{ $name }` is declared
e-event-date-declared = events have a `date` already; do not declare it
e-supplied-by-on-field = `supplied_by` belongs to the event, not to one of its fields
e-hint-supplied-by = an event comes from one department's records as a whole
e-shorthand-not-yearly = `attribute_shorthand` belongs to a yearly figure
e-required-when-not-event = `required_when` belongs to an event's field (a condition over the event's own fields)
e-attribute-and-yearly = `{ $name }` is both an attribute and a yearly figure
e-hint-every-year = declare it yearly with attribute_shorthand = "every-year" to accept it under `entity` too
e-no-kind-attribute = the vocabulary must declare attribute `kind` of type `{ $type }`
e-reads-unrequired = `{ $who }` reads `{ $event }.{ $field }`, which facts.toml does not mark as required
e-hint-mark-required = add required = true (or required_when = "…") to the field, so that forms ask for it

## References: clauses, quotes, departments, notes, events (E010–E016).
e-not-a-clause = `{ $text }` is not a clause reference
e-hint-clause = write the text's numbering with ASCII parentheses, e.g. 四(二)8, 第六条(二), 指引十(一)3
e-quote-empty = the quote is empty
e-quote-not-found = quote not found verbatim in the source text
e-hint-quote-copy = copy the sentence from the source text exactly, punctuation included
e-hint-quote-differs = the first { $count } characters match the source; it differs from `{ $at }`
e-unknown-event-type = unknown event type `{ $name }`
e-hint-trigger = a trigger is `year` or one of the events: { $list }
e-unknown-department = unknown department `{ $name }`
e-hint-departments = departments are declared in departments.toml (id, zh, en, aliases)
e-unknown-note = unknown interpretation note `{ $name }`
e-hint-declare-note = declare it in notes/*.toml with the clause, the options, the choice and the reason
e-unknown-applicant = unknown applicant kind `{ $name }`

## Rules and derivations (E002, E003, E021, E024, E025, E033, E043).
e-expected-condition = expected a condition ({ $want }), found { $found }
e-hint-condition = compare something: year.rd_expenditure >= 500万元
e-expected-field-type = expected a value of the field's type ({ $want }), found { $found }
e-emit-date = an emitted event takes the date of the event it derives from
e-event-no-field = event `{ $event }` has no field `{ $name }`
e-when-on-yearly = `when` filters the triggering event; a yearly rule has none
e-hint-yearly-guard = put yearly conditions in `guard`
e-rule-kind = rule kind must be "award", "limit" or "check", not "{ $text }"
e-kind-has-no-field = a { $kind } rule has no `{ $name }`
e-hint-check-guard = a check's guard is the requirement it checks
e-amount-not-money = an amount must be money or a money range, found { $found }
e-hint-money-unit = write money with a unit: { $example }
e-budget-year = budget_year must be "same" or "next" (次年), not "{ $text }"
e-top-up-unknown = top-up of unknown rule `{ $name }`
e-top-up-of-top-up = a top-up must name a base rule that is not itself a top-up
e-top-up-key = `requires.key` ({ $key }) does not match the once-key of `{ $base }` ({ $once })
e-hint-top-up-key = the key must rebuild the base award's once-key, part by part
e-second-approval = expected a number greater than 1 (times the floor)
e-hint-second-approval = e.g. "3": decisions above three times the floor need a second approval
e-publication-days = expected a whole number of working days from 1 to 30
e-publication-not-weekend = { $date } is not a Saturday or Sunday: only a weekend day can be made a working day

## Dates and validity (E040).
date-not-iso = `{ $text }` is not a date of the form YYYY-MM-DD
date-bad-part = bad { $part ->
        [year] year
        [month] month
       *[day] day
    } in `{ $text }`
e-validity-reversed = validity ends ({ $until }) before it starts ({ $from })

## Tier and bracket tables (E030–E035).
e-bound-no-word = `{ $text }` has no boundary word
e-hint-bound-word = say whether the number is included: 以上/以下 include it, 超过/不满 exclude it (e.g. "500万元 以上")
e-bound-not-money = `{ $text }` is not an amount of money
e-hint-unit = write a unit: { $example }
e-bound-wrong-side = `{ $word }` cannot bound a band in `{ $side }`
e-hint-bound-side = `{ $word }` belongs in `{ $side }`
e-tier-amount-exact = a tier amount must be a nonnegative amount exact to the fen
e-tier-amount-money = a tier amount must be money
e-tier-open-overlap = tier bands overlap: an earlier band has no upper bound or this one has no lower bound
e-hint-tier-bounds = list bands in ascending order, each with `from`, all but the last with `to`
e-tier-not-ascending = tier bands are not in ascending order
e-hint-tier-ascending = list bands from the lowest amount up
e-tier-gap = gap between tiers: values from { $from }{ $from_word } to { $to }{ $to_word } fall in no band
e-hint-tier-gap = make each band start where the previous one ends (以下 then 超过, or 不满 then 以上)
e-tier-overlap = tier bands overlap between { $from } and { $to }
e-tier-shared-bound = { $value } is in two tiers: `{ $upper }` and `{ $lower }` both include it
e-hint-tier-overlap = if the source says so, declare `overlap = {"{"} prefer = "higher", note = "NOTE-ID" {"}"}` and record the interpretation in notes/*.toml
e-tier-amounts-decrease = tier amounts decrease as the bands rise
e-hint-tier-amounts = a higher band must not pay less than a lower one
e-overlap-unused = an overlap rule is declared but no two bands share a boundary
e-hint-remove-overlap = remove `overlap`
e-tier-no-band = a tier table needs at least one band
e-overlap-prefer = overlap preference must be "higher" or "lower", not "{ $text }"
e-bracket-rate = a bracket rate must be a percentage like 30%
e-bracket-limit = a bracket limit must be money like 500万元
e-bracket-open = only the last bracket may be open-ended (no `upto`)
e-bracket-limits-rise = bracket limits must rise

## The plan: indicators, targets, tasks, boxes, the clause register.
e-not-a-number = `{ $text }` is not a number
e-hint-figures = write figures as printed, e.g. "55.35"
e-implausible-year = { $year } is not a plausible year
e-comparison = comparison must be "at-least", "reach" or "exactly", not "{ $text }"
e-unknown-rule = unknown rule `{ $name }`
e-category = category must be composite, input or output, not "{ $text }"
e-baseline-year = the table's baselines are 2021's, or 2020's where marked *
e-unknown-indicator = unknown indicator `{ $name }`
e-task-no-units = a task needs its responsible units (the first leads)
e-unit-not-quoted = `{ $name }` is not in the task's 责任单位 quote
e-unknown-task = unknown task `{ $name }`
e-task-lacks-box = task `{ $task }` does not list box { $box }
e-box-undeclared = task `{ $task }` lists box { $box }, which is not declared
e-clause-status = status must be encoded, target or not-computable, not "{ $text }"
e-unknown-target = unknown target `{ $name }`
e-encoded-no-rules = an encoded clause lists its rules
e-target-no-targets = a target clause lists its targets
e-no-reason = say why the clause is not encoded as rules (`reason`)

## Expressions: syntax (E020).
e-expr-syntax = syntax error in expression: { $detail }
e-lex-unexpected = unexpected character `{ $char }` ({ $detail })
e-lex-equals = write `==` to compare
e-lex-and = write `&&` for and
e-lex-or = write `||` for or
e-lex-full-width = full-width punctuation: use ASCII ( ) ,
e-lex-foreign = not part of the expression language
e-parse-empty = empty expression
e-parse-trailing = unexpected `{ $token }` after a complete expression
e-hint-join = join conditions with && or ||
e-parse-expected = expected `{ $want }`, found `{ $token }`
e-parse-expected-end = expected `{ $want }`, found the end of the expression
e-parse-expected-word = expected `{ $want }`
e-hint-if = write `if COND then A else B`
e-parse-too-deep = expression nested too deeply
e-parse-chained = comparisons cannot be chained
e-hint-chained = write `a <= x && x < b`
e-parse-value-end = expected a value, found the end of the expression
e-hint-money-literal = money reads like the source: 20万元, 1亿元, 500_000元
e-parse-name-after-dot = expected a name after `.`
e-parse-value = expected a value, found `{ $token }`
e-parse-unit = unknown unit `{ $unit }` after a number
e-hint-units = units are 元, 万元, 亿元 (or 萬元, 億元) and %

## Expressions: names and types (E014, E021–E023, E034).
e-wrong-type-found = { $detail }: found { $found }
e-not-needs-condition = `!` needs a condition
e-negate-numbers = only numbers can be negated
e-in-needs-list = the right side of `in` must be a list like [a, b]
e-list-item-type = list item is { $item }, but the left side is { $left }
e-list-constants = list items must be constants
e-type-mismatch = type mismatch: `{ $op }` cannot combine { $left } and { $right }
e-hint-money-times-money = money times money is not money; multiply by a rate (20%) or a count
e-hint-compatible-types = both sides must have compatible types
e-division = division is only by a nonzero number written in the pack
e-hint-division = this keeps every evaluation total: no division by zero at run time
e-if-condition = the condition of `if` must be a condition
e-if-branches = the branches of `if` differ: { $then } and { $else }
e-list-alone = a list can only stand on the right of `in`
e-unknown-attribute = unknown entity attribute `{ $name }`
e-unknown-yearly = unknown yearly figure `{ $name }`
e-event-out-of-scope-none = event `{ $event }` is not in scope here (no event is)
e-event-out-of-scope = event `{ $event }` is not in scope here (only `{ $scope }` is)
e-hint-event-scope = an expression may read the event that triggers its rule
e-no-variant = `{ $enum }` has no variant `{ $name }`
e-unknown-name = unknown name `{ $name }`
e-hint-fact-names = facts are read as entity.NAME, year.NAME or EVENT.NAME
e-ambiguous-variant = `{ $name }` is a variant of several enums
e-hint-qualify = qualify it: ENUM.VARIANT
e-arity-one = `{ $name }` takes 1 argument, found { $found }
e-arity = `{ $name }` takes { $count } arguments, found { $found }
e-table-argument = the first argument of `{ $name }` is a table name
e-lookup-money = `{ $name }` looks up an amount of money
e-lookup-by = the table `{ $name }` is looked up by { $type }
e-ratio-types = `ratio` needs two amounts of money or two numbers, found { $left } and { $right }
e-prior-years = `prior` needs a whole number of years from 1 to 10 first, as in `prior(1, year.sales)`
e-years-after-count = `years_after` needs a whole number of years second, as in `years_after(entity.registered_on, 1)`
e-bound-kinds-differ = `{ $text }` is not of the same kind as the table's other bounds (money, a rate or a number)
e-tier-amount-kinds-differ = a table's amounts are all money or all points
e-score-not-points = a score's amount must be points or a range of points, found { $found }
e-standard-rule-kind = `{ $name }` must be a { $kind } rule triggered by the year
e-standard-unknown-rule = the standard names `{ $name }`, which is not a rule of the pack
e-standard-score-pass = a standard's `score` and `pass` go together: give both or neither
e-pass-mark = `{ $text }` is not a pass mark: write points and a word, as in "60分 不低于" or "70分 超过"
e-unknown-tier-table = unknown tier table `{ $name }`
e-unknown-bracket-table = unknown bracket table `{ $name }`
e-at-least-money = `at_least(x)` sets a floor on an amount of money
e-arity-at-least-two = `{ $name }` takes at least 2 arguments
e-cannot-compare = `{ $name }` cannot compare { $left } with { $right }
e-needs-numbers = `{ $name }` needs numbers, found { $found }
e-range-types = `range` needs two amounts of money or two rates, found { $low } and { $high }
e-range-reversed = range is reversed: its low end is above its high end
e-hint-range = write range(LOW, HIGH)
e-round-fen-money = `round_fen` rounds money
e-year-of-date = `year_of` takes a date
e-unknown-function = unknown function `{ $name }`
e-functions-are = functions are { $list }

## A facts file (F001–F010).
f-invalid-json = invalid JSON: { $detail }
f-invalid-toml = invalid TOML: { $detail }
f-unknown-name = unknown { $what ->
        [section] section
        [entity-attribute] entity attribute
        [yearly-figure] yearly figure
        [event-type] event type
       *[event-field] field of `{ $event }`
    } `{ $name }`
f-known-names = known { $what ->
        [section] section
        [entity-attribute] entity attribute
        [yearly-figure] yearly figure
        [event-type] event type
       *[event-field] field of `{ $event }`
    }: { $list }
f-not-a-table = { $detail } must be a table/object, found { $found ->
        [null] null
        [boolean] a boolean
        [number] a number
        [string] a string
        [list] a list
       *[table] a table
    }
f-what-document = a facts document
f-what-section = `{ $name }`
f-what-event = events[{ $index }]
f-no-entity = missing section `entity`
f-hint-entity = every facts file describes one entity: {"{"} "entity": {"{"} "id": …, "kind": … {"}"} {"}"}
f-entity-key-empty = entity `{ $name }` must be a non-empty string
f-entity-no-id = the entity needs an `id` (or a unified social credit code)
f-not-a-year = `{ $text }` is not a calendar year
f-hint-years = key yearly figures by year: "years": {"{"} "2023": {"{"} … {"}"} {"}"}
f-events-not-a-list = `events` must be a list, found { $found ->
        [null] null
        [boolean] a boolean
        [number] a number
        [string] a string
        [list] a list
       *[table] a table
    }
f-event-no-type = events[{ $index }] needs a `type`
f-hint-one-of = one of: { $list }
f-event-no-date = events[{ $index }] (`{ $event }`) has no `date`
f-hint-date = write "date": "YYYY-MM-DD"
f-field-value = `{ $field }`: { $detail }

## Test cases of a pack (cases/*.toml, C001–C004).
c-cannot-read = cannot read: { $reason }
c-invalid-toml = invalid TOML: { $detail }
c-no-cases = a case file holds [[case]] tables
c-years-whole = years are whole numbers
c-unexpected-key = unexpected key `{ $name }` in a case
c-hint-case-keys = keys are name, cites, years, facts, expect
c-needs-name-cites = a case needs `name` and `cites` (the sentence it checks)
c-needs-expect = a case needs at least one [[case.expect]]
c-expect-not-table = an expectation is a table
c-expected-money = expected an amount of money
c-expected-money-string = expected an amount of money as a string
c-no-rule = no rule `{ $name }` in the pack
c-no-standard = no standard `{ $name }` in the pack
c-unknown-state = unknown state `{ $name }`
c-hint-states = awarded, not-eligible, needs-information or not-in-force; met or not-met for a check; scored for a score; meets, cannot-meet, depends-on-review or needs-information for a standard
c-no-note = no note `{ $name }` in the pack
c-unexpected-expect-key = unexpected key `{ $name }` in an expectation
c-hint-expect-keys = keys are rule or standard, state, amount, low, high, reason, year, budget_year, missing, notes, route, failed
c-expect-needs-rule-state = an expectation needs `state` and one of `rule` or `standard`
