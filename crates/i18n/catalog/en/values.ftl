# qiangke's messages in English. Ids and arguments are the same in every language
# (the catalogue test holds zh-Hans.ftl to the same ids).

## A value as typed: a cell of a facts file, a batch row, an import, a form field.
cell-bool = expected 是 or 否 (true/false, yes/no, 1/0), found `{ $text }`
cell-negative-count = { $text } is negative; counts and years cannot be
cell-count-too-large = number is implausibly large
cell-not-whole = expected a whole number, found `{ $text }`
cell-not-number = expected a number, found `{ $text }`: { $detail }
cell-money-percent = expected money, found a percentage
cell-not-money = `{ $text }` is not an amount of money: { $detail }
cell-money-negative = amount { $text } is negative
cell-money-too-large = amount { $text } is implausibly large (over 1万亿元)
cell-money-finer-than-fen = amount { $text } is finer than a fen
cell-not-rate = expected a percentage like "20%", found `{ $text }`
cell-not-points = expected points like "8分" or "8", found `{ $text }`
cell-not-a-fact-type = this type cannot be given as a fact
cell-unknown-choice = `{ $text }` is not a known { $what }
cell-hint-did-you-mean-choice = did you mean `{ $name }`?
cell-hint-choices = one of: { $list }
cell-bad-uscc = invalid unified social credit code: { $detail }

## Why a value as typed is not of its type (the cell and the facts file share these).
cell-wrong-kind = expected { $detail }, found { $found ->
        [null] null
        [boolean] a boolean
        [number] a number
        [string] a string
        [list] a list
       *[table] a table
    }
cell-expect-bool = true or false
cell-expect-whole = a whole number
cell-expect-number = a number
cell-expect-money = an amount of money
cell-expect-rate = a percentage like "20%"
cell-expect-points = points, like "8分"
cell-expect-date = a date such as "2023-11-20" or "2023年11月20日"
cell-expect-text = text
cell-expect-uscc = an 18-character code
cell-expect-choice = one of the { $name } names
cell-expect-nothing = nothing: this type cannot be given as a fact
cell-toml-float-money = a TOML float cannot hold money exactly
cell-hint-money-string = write the amount as a string: "1500000.50" or "150万元"
cell-hint-money-forms = write "15000000", "1500万元" or "1500000.50元"
cell-hint-money-negative = amounts of money in facts are never negative
cell-hint-money-fen = money in facts is exact to the fen (two decimals)

## Dates as offices write them.
date-shape = `{ $text }` is not a date: write 2023-11-20, 2023/11/20, 2023.11.20 or 2023年11月20日
date-not-real = `{ $text }` is not a real calendar date
date-not-date = `{ $text }` is not a date

## Numbers with units (money, rates).
qty-no-number = `{ $text }` does not start with a number
qty-malformed = `{ $text }` is not a well-formed number
qty-too-large = `{ $text }` is too large
qty-unknown-unit = unknown unit `{ $unit }`; expected 元, 万元, 亿元 or %
qty-comma-groups = `{ $text }`: a comma may only separate thousands, in groups of three digits (1,500,000.50); write a decimal part after a point
qty-too-many-digits = `{ $text }` has more digits than can be held exactly (28 at most); nothing is rounded
qty-not-decimal = `{ $text }` is too large or not a number

## States of the ledger and roles of users, as pages show them.
state-pending = pending verification
state-approved = verified
state-rejected = rejected
state-decided = decided
state-scheduled = scheduled for payment
state-paid = paid
role-entity = enterprise or unit
role-reviewer = reviewer
role-finance = finance
role-county = county
role-admin = administrator

## A file uploaded or read.
file-neither-encoding = the file is neither UTF-8 nor GB18030/GBK text (at line { $line }, byte { $byte }); save it from Excel as "CSV UTF-8" or as .xlsx

## Unified social credit codes (GB 32100-2015).
uscc-length = a unified social credit code has 18 characters, this one has { $n }
uscc-character = character { $at } `{ $char }` is not allowed (digits and capital letters except I, O, Z, S, V)
uscc-division = characters 3–8 must be the digits of an administrative division code
uscc-org-check = character 17 `{ $got }` is not the organization-code check character (expected `{ $expect }`)
uscc-check = check character `{ $got }` is wrong: GB 32100-2015 gives `{ $expect }` for these 17 characters

## JSON and TOML files that do not parse.
json-trailing-text = unexpected text after the JSON document
json-bad-u-escape = bad \u escape
json-too-deep = document nested too deeply
json-truncated = unexpected end of file: the document is truncated
json-expected-key = expected a quoted key
json-expected-colon = expected `:` after the key
json-expected-comma-brace = expected `,` or `{"}"}`
json-expected-comma-bracket = expected `,` or `]`
json-expected-value = expected a value
json-expected-value-kinds = expected a value (object, list, string, number, true, false or null)
json-eof-in-string = unexpected end of file inside a string
json-nul = the NUL character (\u0000) is not allowed in text
json-lone-surrogate = a lone surrogate (\uD800–\uDBFF without its pair) is not a character
json-unknown-escape = unknown escape in string
json-control-char = control character inside a string
json-key-twice = key `{ $key }` appears twice in the same object
toml-date-as-string = TOML dates must be written as strings here, e.g. date = "2023-05-01"
toml-syntax = { $detail }
