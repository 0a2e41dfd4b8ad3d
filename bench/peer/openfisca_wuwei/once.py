"""One-time awards across years: an award is paid once per applicant and once-key.

OpenFisca has no notion of an award already paid. So each once-keyed rule has an eligibility
function (every condition but the once-key, of the applicant, the period and the parameters),
worked out again for the earlier years: the award is due where no earlier year was eligible with
the same key (an earlier eligible year either paid it or was itself blocked by a still earlier
payment). Years before the plan cannot pay, so the look-back starts at the plan's first year.
"""

import numpy

PLAN_START = 2022


def not_paid_before(applicant, period, parameters, eligible, keys=()):
    """Where `eligible` held in no earlier year with the same values of the `keys` variables."""
    now = [numpy.asarray(applicant(k, period)) for k in keys]
    paid = numpy.zeros(applicant.count, dtype=bool)
    for back in range(1, period.start.year - PLAN_START + 1):
        earlier = period.offset(-back)
        same = eligible(applicant, earlier, parameters)
        for key, value in zip(keys, now):
            same = same & (numpy.asarray(applicant(key, earlier)) == value)
        paid |= same
    return ~paid
