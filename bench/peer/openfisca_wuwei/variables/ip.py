"""四(四)16 构建激励创新发展的知识产权运用机制: high-value patents and marks, any applicant."""

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from openfisca_wuwei.entities import Applicant
from openfisca_wuwei.enums import MarkKind
from openfisca_wuwei.once import not_paid_before


class high_value_patents_reward(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    # 上一年度…认定的: the patents of 2021–2024 are rewarded within the plan (note previous-year-awards).
    end = "2024-12-31"
    label = "高价值发明专利奖励(每件1万元)"
    reference = "四(四)16"

    def formula_2021_01_01(applicant, period, parameters):
        return applicant("high_value_patents", period) * parameters(period).ip.high_value_patent


def mark_eligible(applicant, period, parameters):
    kind = applicant("ip_mark_kind", period)
    return (kind == MarkKind.well_known_trademark) | (kind == MarkKind.gi_trademark) | (kind == MarkKind.gi_product)


class trademark_gi_reward(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "驰名商标、地理标志奖励(每件)"
    reference = "四(四)16"

    def formula_2022_01_01(applicant, period, parameters):
        p = parameters(period).ip
        due = mark_eligible(applicant, period, parameters) & not_paid_before(
            applicant, period, parameters, mark_eligible, ["ip_mark_kind", "ip_mark_name"]
        )
        well_known = applicant("ip_mark_kind", period) == MarkKind.well_known_trademark
        return due * (well_known * p.well_known_trademark + ~well_known * p.geographical_indication)
