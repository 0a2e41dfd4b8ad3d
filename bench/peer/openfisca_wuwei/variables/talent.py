"""四(五)19: work funds for dispatched municipal S&T commissioners, paid to the dispatching unit."""

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from openfisca_wuwei.entities import Applicant


class commissioner_funding(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "市级科技特派员工作经费(每人每年不低于1万元;下限,无上限)"
    reference = "四(五)19"

    def formula_2022_01_01(applicant, period, parameters):
        return applicant("municipal_commissioners", period) * parameters(period).talent.commissioner_per_person
