## The explanation of a result.

## explain.rs
ex-date = date
ex-claim-year = claim year
ex-pack = pack
ex-needed-first = Needed first:
ex-it-decides-whether-these = it decides whether these rules apply:
ex-sep = ;{" "}
ex-rules-that-need-more = Rules that need more information to decide
ex-rules-with-no-triggering = Rules with no triggering fact this year
ex-rules-for-other-kinds = Rules for other kinds of applicant
ex-total-by-budget-year = Total by budget year
ex-at-least = at least
ex-awarded = AWARDED
ex-limit-not-a-payment = LIMIT (not a payment)
ex-check = CHECK
ex-met = MET
ex-provisional = PROVISIONAL
ex-score = score
ex-score-range = a range: experts decide within the band
ex-standard = standard
ex-standard-meets = meets
ex-standard-cannot-meet = cannot meet
ex-standard-review = depends on expert review: the score's range straddles the pass mark
ex-standard-not-in-force = not in force: the standard does not apply to this year
ex-standard-route = confirmed directly: { $route } ({ $clause })
ex-standard-score = score { $score }, needs { $pass }
ex-standard-short = the sure part is { $points } short: expert review must give them
ex-standard-failed = not met:
ex-undefined-ratio = the ratio `{ $expr }` cannot be computed: its denominator is zero
ex-fn-ratio = ratio
ex-colon = {": "}
ex-tier-computed = the computed value ({ $value })
ex-fn-years-after = the same day years later
ex-the-plan-sets-no = {" "}(the plan sets no upper limit; the administrator decides the amount)
ex-the-exact-amount-is = the exact amount is decided by the administrator within this range
ex-not-eligible = NOT ELIGIBLE
ex-needs-information = NEEDS INFORMATION
ex-budget-year = budget year
ex-verified-by = verified by
ex-paid-by = paid by
ex-source = source:
ex-procedure = procedure:
ex-triggered-by = triggered by:
ex-counts-as-such-under = counts as such under
ex-because = because:
ex-interpretation = interpretation
ex-amount-out-of-computable = amount out of computable range
ex-not-known = not known
ex-yes = yes
ex-no = no
ex-boundary-value-see-interpretation = boundary value, see interpretation
ex-list-separator = ,{" "}

## Each step of the derivation, as a sentence.
ex-op-eq = equal to
ex-op-ne = other than
ex-op-lt = less than
ex-op-le = at most
ex-op-gt = more than
ex-op-ge = at least
ex-op-other = and
ex-step-compare-fact = { $subject }: { $lhs } is { $op } { $rhs } → { $result }
ex-step-compare = { $lhs } is { $op } { $rhs } → { $result }
ex-fn-min = the smaller of
ex-fn-max = the larger of
ex-fn-range = the range
ex-fn-round-fen = rounded to the fen
ex-fn-year-of = the year of
ex-fn-at-least = at least
ex-step-call = { $func }: { $args } → { $result }
ex-step-tier = { $input } falls in the tier { $band } → { $amount }
ex-step-no-tier = { $input } falls in no tier
ex-step-next-tier = ; { $gap } more would reach the tier { $band } ({ $amount })
ex-step-rounded = { $from } rounded half away from zero to the fen → { $to }
ex-tier-hint = { $what }: { $gap } more would reach the tier { $band } ({ $amount })

## Why a rule is not met, as a sentence.
ex-unmet-needs-yes = the rule needs “{ $fact }” to be yes; it is no
ex-unmet-needs-no = the rule needs “{ $fact }” to be no; it is yes
ex-unmet-compare = the rule needs { $fact } to be { $op } { $bound }; it is { $value }
ex-unmet-ratio = { $fact } is { $value }; as a share of { $of } it must be at least { $bound }: it needs { $need }, { $more } more
ex-unmet-ratio-sum = { $fact } is { $value }; with the rest, { $with }, as a share of { $of } it must be at least { $bound }: { $fact } needs { $need }, { $more } more
ex-condition-failed = the condition `{ $expr }` does not hold
ex-check-not-met = NOT MET: { $why }
ex-not-in-force = NOT IN FORCE: { $when } is outside the validity period { $from } to { $to }
ex-no-trigger = no qualifying { $event } in { $year }
ex-below-lowest-tier = { $input } is below the lowest tier ({ $band })
ex-already-awarded = this one-time award was already granted for { $year }{ $at }; it is never paid twice
ex-base-not-awarded = this is a top-up (再给予) and the base award “{ $base }” has not been granted for the same item
ex-applicant-kind = applies to { $who }, not to { $kind }

## A condition of the pack, as a sentence.
ex-cond-is = { $fact } is { $value }
ex-cond-or = {" "}or{" "}
ex-cond-and = {" "}and{" "}
