## The ledger's refusals (qiangke-store): what the API, the desk and the CLI say.

## Texts other parts still give in English (the rules' diagnostics, the monitor's files, errors of
## libraries): shown as they are, inside a message of this catalogue where one frames them.
ledger-other-text = { $text }
ledger-cell-hint = { $detail } ({ $hint })

## Storage.
ledger-cannot-create-dir = cannot create { $dir }: { $error }
ledger-dir-not-writable = { $dir } cannot be written ({ $error }); the ledger must be able to write there
ledger-no-ledger-at = there is no ledger at { $path }
ledger-bad-database-url = `{ $url }`: expected sqlite://PATH or postgres://…
ledger-stored-event-not-json = stored event is not JSON: { $error }

## Roles: who may do what. Each activity says the roles it needs.
ledger-role-refused = { $detail }; you are signed in as { $role ->
        [admin] admin
        [reviewer] reviewer
        [finance] finance
        [county] county
       *[entity] entity
    }
ledger-act-create-users = creating users needs the role admin
ledger-act-list-users = the list of users needs the role admin
ledger-act-change-user = changing a user needs the role admin
ledger-act-sign-in-log = the sign-in log needs the role admin
ledger-act-register-entity = registering an entity needs the role admin
ledger-act-bulk-import = a bulk import needs the role admin or reviewer
ledger-act-verify = verifying an award needs the role reviewer
ledger-act-decide = deciding an award needs the role reviewer
ledger-act-second-approval = approving a decision a second time needs the role reviewer
ledger-act-record-payment = recording a payment needs the role finance
ledger-act-budget = the budget report needs the role finance or admin or county
ledger-act-appropriate = entering an appropriation needs the role finance
ledger-unknown-department = there is no department "{ $department }"
ledger-clause-not-paid-by = that department pays no award of clause { $clause }
ledger-act-record-observations = recording indicator observations needs the role admin or reviewer or county
ledger-act-read-observations = reading the observations as entered needs the role admin or county or reviewer
ledger-act-record-task-progress = recording task progress needs the role admin or reviewer or county
ledger-act-read-task-updates = reading the task updates as entered needs the role admin or county or reviewer
ledger-act-verify-audit = verifying the audit log needs the role admin or finance
ledger-act-audit-checkpoint = an audit checkpoint needs the role admin or finance

## Users.
ledger-cannot-hash = cannot hash: { $error }
ledger-not-a-role = `{ $role }` is not a role; one of entity, reviewer, finance, county, admin
ledger-entity-user-needs-entity = an entity user needs the entity it acts for
ledger-reviewer-needs-department = a reviewer needs the department it reviews for
ledger-not-a-department = `{ $department }` is not a department of the pack (see departments.toml)
ledger-county-user-needs-county = a county official needs the county
ledger-not-a-county = `{ $county }` is not a county of the pack
ledger-username-shape = 1 to 64 characters, no spaces
ledger-password-too-short = at least 10 characters
ledger-first-user-is-admin = only an admin can be created without signing in
ledger-already-has-users = the ledger already has users: sign in as an admin to add more
ledger-username-taken = the user name `{ $username }` is taken
ledger-nothing-to-change = nothing to change: give role (with its scope field), entity_id, department, county or disabled
ledger-no-user = there is no user { $id }
ledger-no-user-named = there is no user `{ $username }`
ledger-last-admin = this is the last enabled admin: create another admin first
ledger-only-admin-sets-password = only an admin sets another user's password
ledger-wrong-current-password = the current password is wrong
ledger-only-admin-ends-sessions = only an admin ends another user's sessions
ledger-unknown-stored-role = user { $id } has an unknown role `{ $role }`

## Entities and their facts.
ledger-no-entity = there is no entity { $id }
ledger-entity-out-of-sight = entity { $id } is outside what you may see
ledger-entity-name-required = the entity's registered name is required
ledger-uscc-taken = an entity with credit code { $uscc } is already registered (entity { $id })
ledger-fact-value-shape = expected a string, number or boolean
ledger-fact-set-at-registration = `{ $name }` is set when the entity is registered, not as a fact
ledger-fact-is-yearly = `{ $name }` is a yearly figure: give its `year`
ledger-fact-unknown = `{ $name }` is not a fact of the pack
ledger-year-outside = year { $year } is outside { $from }–{ $to }
ledger-fact-is-attribute = `{ $name }` is an attribute of the entity: leave out `year`
ledger-fact-not-yearly = `{ $name }` is not a yearly figure of the pack
ledger-event-not-object = an event is an object with `type`, `date` and its fields
ledger-fact-problem = { $name }: { $detail }
ledger-record-own-entity-only = you may record facts only for your own entity, not entity { $id }
ledger-role-cannot-record = the { $role ->
        [admin] admin
        [reviewer] reviewer
        [finance] finance
        [county] county
       *[entity] entity
    } role cannot record facts
ledger-item-not-supplied = item { $item }: `{ $name }` comes from the records of { $who ->
        [none] the entity itself (or the administrator)
       *[other] { $who }
    }, not of { $me }{ $more ->
        [yes] ; { $detail }
       *[no] {""}
    }
ledger-row-not-supplied = row { $row }: `{ $name }` comes from the records of { $who ->
        [none] the entity itself (or the administrator)
       *[other] { $who }
    }, not of { $me }{ $more ->
        [yes] ; { $detail }
       *[no] {""}
    }
ledger-records-only-supplied = { $detail }; a department records only the facts it supplies
ledger-imports-only-supplied = { $detail }; a department imports only the facts it supplies
ledger-source-required = say where the figures come from
ledger-source-marks-department = `{ $head }:` marks a department's own facts
ledger-nothing-to-record = nothing to record

## Bulk import.
ledger-unknown-uscc = no registered entity has the credit code `{ $uscc }`
ledger-unreadable-header = unreadable header: { $error }
ledger-header-shape = the header must be `uscc,year,fact,value`, found `{ $found }`
ledger-unreadable-row = unreadable row: { $error }
ledger-year-shape = expected a year like 2023 or nothing, found `{ $text }`
ledger-invalid-json = invalid JSON: { $error }
ledger-import-empty = the import has no rows

## Applications, awards, decisions and payouts.
ledger-apply-by-entity = an application is made by the entity itself (or an admin)
ledger-facts-do-not-validate = the recorded facts do not validate: { $problems }
ledger-amount-not-fen-exact = rule { $rule }: amount { $amount } is not exact to the fen
ledger-rule-has-no-department = rule { $rule } names neither a verifying nor a paying department
ledger-no-award = there is no award { $id }
ledger-award-out-of-sight = award { $id } is outside what you may see
ledger-not-a-status = `{ $status }` is not a status: pending, approved, rejected or decided
ledger-verified-by-other = rule { $rule } is verified by { $verifiers }, not by { $department }
ledger-rejection-needs-reason = a rejection needs a reason the applicant can read
ledger-no-longer-pending = award { $id } is { $status ->
        [approved] approved
        [rejected] rejected
        [decided] decided
       *[other] { $status }
    }, no longer waiting for verification
ledger-verdict-given = { $department } has already given its verdict on award { $id }
ledger-four-eyes-own-facts = four eyes: you recorded { $facts } for this entity, and the award rests on it; another reviewer of your department must approve it
ledger-plan-fixes = the plan fixes the amount at { $amount }元
ledger-plan-allows = the plan allows { $low }元 to { $high }元
ledger-plan-allows-at-least = the plan allows no less than { $low }元
ledger-amount-outside = { $amount }元 is outside the allowed interval: { $detail }
ledger-already-decided = award { $id } is already decided
ledger-only-approved-decided = award { $id } is { $status ->
        [pending] pending
        [rejected] rejected
       *[other] { $status }
    }: only an approved award can be decided
ledger-once-key-paid = once-key { $key } already has a payout (award { $other }): a one-time award is paid once
ledger-not-decided = award { $id } is not decided yet
ledger-no-second-approval-needed = the decision on award { $id } needs no second approval
ledger-second-approval-given = the decision on award { $id } has its second approval already
ledger-four-eyes-second = four eyes: the second approval must come from another person than the one who decided
ledger-no-payout = there is no payout { $id }
ledger-payout-paid = payout { $id } is already paid
ledger-payment-field-missing = is required
ledger-payment-field-too-long = must not be longer than { $max } characters
ledger-payment-no-payouts = choose at least one scheduled payout
ledger-payment-payout-twice = payout { $id } is chosen twice
ledger-no-payment = there is no payment { $id }
ledger-payment-key-reused = this request key was used for payment { $id }; it cannot make another payment
ledger-reversal-reason-missing = a reversal needs its reason
ledger-act-publish = publish a list (公示)
ledger-act-rule-objection = settle objections
ledger-publish-not-publisher = only { $en } (and the administrator) publishes the lists
ledger-publish-nothing = no decided award is waiting to be published
ledger-publish-nothing-year = no decided award of { $year } is waiting to be published
ledger-no-publication = there is no published list { $id }
ledger-objection-period-over = the period of this list ended on { $date }: objections are no longer accepted
ledger-objection-not-listed = award { $award } is not on this list
ledger-no-objection = there is no objection { $id }
ledger-objection-other-department = objection { $id } is for { $department } to settle
ledger-objection-settled = objection { $id } has been settled already
ledger-objection-paid = the payout of award { $award } has been paid: reverse the payment before withdrawing the decision
ledger-pay-withdrawn = payout { $id } cannot be paid: its decision was withdrawn after an objection was upheld
ledger-pay-objection-open = payout { $id } cannot be paid while objection { $objection } to it is open
ledger-pay-not-published = payout { $id } cannot be paid: its award has not been published (公示) yet
ledger-pay-in-period = payout { $id } cannot be paid before its publication period ends on { $date }
ledger-payout-not-paid = payout { $id } is not paid: there is nothing to reverse
ledger-money-not-fen-exact = amounts are exact to the fen
ledger-expected-money = expected an amount of money

## Monitoring.
ledger-no-observations = the file has no observations
ledger-row-outside-county = row { $row }, column scope: `{ $scope }` is outside your county ({ $county }){ $more ->
        [yes] ; { $detail }
       *[no] {""}
    }
ledger-no-updates = the file has no updates
ledger-report-for-own-department = row { $row }: you report for { $own }, not for { $other }

## The audit trail: each action by its name.
audit-application-create = application recorded
audit-award-create = award recorded
audit-award-approve = award approved
audit-award-reject = award rejected
audit-award-decide = award decided
audit-award-second-approval = decision approved a second time
audit-entity-register = entity registered
audit-facts-record = facts recorded
audit-facts-import = facts imported
audit-facts-imported = facts imported for the entity
audit-observations-record = indicator observations recorded
audit-payout-paid = payout paid
audit-payout-reverse = payout reversed
audit-payment-create = payment recorded with its voucher
audit-award-publish = award published (公示)
audit-publication-create = list published (公示)
audit-objection-file = objection filed
audit-objection-uphold = objection upheld, decision withdrawn
audit-objection-reject = objection rejected, decision stands
audit-budget-appropriate = appropriation entered
audit-key-voucher = voucher
audit-key-paid-on = payment date
audit-key-account = paying account
audit-key-total = total
audit-key-title = title
audit-key-starts-on = period from
audit-key-ends-on = period until
audit-key-publication = list
audit-key-objection = objection
audit-key-withdrawn = decision withdrawn
audit-key-awards = awards
audit-tasks-update = task progress recorded
audit-user-create = user created
audit-user-update = user changed
audit-user-password = password set
audit-user-sessions-revoked = sessions ended
ledger-and-more = { $first }; { $rest }

## The audit page: subjects and details.
audit-subject-entity = entity { $id }
audit-subject-award = award { $id }
audit-subject-import = import { $id }
audit-subject-user = user { $id }
audit-subject-application = application { $id }
audit-subject-payout = payout { $id }
audit-subject-payment = payment { $id }
audit-subject-budget = budget line { $year } · { $department } · { $clause }
audit-field = { $key }: { $value }
audit-key-rule = award
audit-key-clause = clause
audit-key-claim-year = claim year
audit-key-budget-year = budget year
audit-key-amount = amount
audit-key-status = state
audit-key-reason = reason
audit-key-department = department
audit-key-role = role
audit-key-username = user name
audit-key-county = county
audit-key-rows = rows
audit-key-source = source
audit-key-paid-at = paid at
audit-as-recorded = as recorded
audit-subject-observations = indicator observations
audit-subject-tasks = task progress
audit-actor-bootstrap = system set-up
audit-actor-public = the public (公示 page)

# The 免申即享 round
whatif-act-run = a what-if over the register needs the role admin, reviewer or finance
round-act-open = opening a round needs the role admin or reviewer
round-act-read = reading rounds needs the role admin, reviewer or finance
round-rule-not-an-award = rule { $rule } is not an award rule and cannot be part of a round
round-rule-unknown = the pack has no rule { $rule }
round-none = no round { $id }
round-confirm-own-only = award { $id } is confirmed or declined by its entity only
round-not-awaiting = award { $id } is not awaiting confirmation: it cannot be confirmed or declined again
round-awaits-confirmation = award { $id } awaits the entity's confirmation before it can be verified
audit-award-propose = award proposed (no application needed)
audit-award-flag = flagged for review (facts changed)
audit-award-confirm = confirmed by the entity
audit-award-decline = declined by the entity
audit-round-open = round opened
audit-subject-round = round { $id }
audit-subject-publication = list { $id }
ledger-entity-column-missing = the list has no { $column } column (it may be called: { $names })
ledger-entity-row-repeated = credit code { $uscc } already appears in row { $row }
ledger-column-not-supplied = `{ $name }` comes from the records of { $who ->
        [none] the entity itself (or the administrator)
       *[other] { $who }
    }, not of { $me }
