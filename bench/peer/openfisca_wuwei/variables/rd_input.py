"""四(二)8 激励规上工业企业加大研发投入: the claim year is the spending year (2022–2025).

Both awards need an above-scale enterprise (in that year) that claims the R&D super deduction on
the year's expenses (the tax bureau forms the list from those claims).
"""

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from openfisca_wuwei.entities import Applicant
from openfisca_wuwei.enums import ApplicantKind
from openfisca_wuwei.once import not_paid_before


def above_scale_enterprise(applicant, period):
    return (applicant("kind", period) == ApplicantKind.enterprise) & applicant("above_scale", period)


class rd_spend_tiers(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "规上工业企业研发投入分档补助"
    reference = "四(二)8"

    def formula_2022_01_01(applicant, period, parameters):
        listed = above_scale_enterprise(applicant, period) & (applicant("super_deduction_amount", period) > 0)
        return listed * parameters(period).rd_input.rd_spend_tiers.calc(applicant("rd_expenditure", period))


def first_deduction_eligible(applicant, period, parameters):
    p = parameters(period).rd_input.first_super_deduction
    return (
        above_scale_enterprise(applicant, period)
        & applicant("super_deduction_first_time", period)
        & (applicant("super_deduction_amount", period) > p.threshold)
    )


class first_super_deduction(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "首次享受研发费用加计扣除补助(加计额超过50万元,每个企业一次)"
    reference = "四(二)8"

    def formula_2022_01_01(applicant, period, parameters):
        due = first_deduction_eligible(applicant, period, parameters) & not_paid_before(
            applicant, period, parameters, first_deduction_eligible
        )
        return due * parameters(period).rd_input.first_super_deduction.amount
