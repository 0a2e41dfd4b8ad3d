"""四(二)7 加大科技型企业培育力度: one-time subsidies for new recognitions, enterprises only.

A renewal is not a new recognition; each kind is paid once per applicant, smart factories and
digital workshops once per factory or workshop (the once-key adds the name). The plan's period
(2022–2025) is the formulas' start and the variables' end.
"""

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from openfisca_wuwei.entities import Applicant
from openfisca_wuwei.enums import ApplicantKind, RecognitionKind
from openfisca_wuwei.once import not_paid_before


def subsidy(recognition, by_name=False):
    """The formula of the subsidy for a new recognition of one kind."""

    def eligible(applicant, period, parameters):
        return (
            (applicant("kind", period) == ApplicantKind.enterprise)
            & (applicant("recognition_kind", period) == recognition)
            & ~applicant("recognition_renewal", period)
        )

    def formula(applicant, period, parameters):
        keys = ["recognition_name"] if by_name else []
        due = eligible(applicant, period, parameters) & not_paid_before(applicant, period, parameters, eligible, keys)
        return due * parameters(period).new_recognitions[recognition.name]

    return formula


class high_tech_new(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "新认定高新技术企业一次性补助"
    reference = "四(二)7"
    formula_2022_01_01 = subsidy(RecognitionKind.high_tech)


class smart_factory_new(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "新认定智能工厂一次性补助"
    reference = "四(二)7"
    formula_2022_01_01 = subsidy(RecognitionKind.smart_factory, by_name=True)


class digital_workshop_new(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "新认定数字化车间一次性补助"
    reference = "四(二)7"
    formula_2022_01_01 = subsidy(RecognitionKind.digital_workshop, by_name=True)


class little_giant_new(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "新认定国家专精特新“小巨人”企业一次性补助"
    reference = "四(二)7"
    formula_2022_01_01 = subsidy(RecognitionKind.little_giant)


class provincial_srdi_new(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "新认定省级专精特新中小企业一次性补助"
    reference = "四(二)7"
    formula_2022_01_01 = subsidy(RecognitionKind.provincial_srdi)


class provincial_sti_new(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "新认定省级科技创新型企业一次性补助"
    reference = "四(二)7"
    formula_2022_01_01 = subsidy(RecognitionKind.provincial_sti)


class municipal_sti_new(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "新认定市级科技创新型企业一次性补助"
    reference = "四(二)7"
    formula_2022_01_01 = subsidy(RecognitionKind.municipal_sti)
