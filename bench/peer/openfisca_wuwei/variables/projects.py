"""四(一)3 开展揭榜挂帅制科研项目: the open-competition subsidy (an interval: 10%–20% of the total,
at most 100万元) and the matching of won national and provincial projects (10%, at most 200万元).
Each once per project name. Budgeted in the claim year (2022–2025).
"""

import numpy
from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from openfisca_wuwei.entities import Applicant
from openfisca_wuwei.enums import ApplicantKind, CompetitionMode, CompetitionRole, Level
from openfisca_wuwei.once import not_paid_before


def open_competition_eligible(applicant, period, parameters):
    kind = applicant("kind", period)
    mode = applicant("open_competition_mode", period)
    role = applicant("open_competition_role", period)
    enterprise = kind == ApplicantKind.enterprise
    applies = enterprise | (kind == ApplicantKind.research_institute) | (kind == ApplicantKind.university) | (kind == ApplicantKind.team)
    # 企业出榜: the posting enterprise is paid; 任务定榜: the solver is paid.
    recipient = (mode == CompetitionMode.enterprise_posted) & (role == CompetitionRole.poster) & enterprise | (
        mode == CompetitionMode.task_set
    ) & (role == CompetitionRole.solver)
    total = applicant("open_competition_total", period)
    return applies & recipient & (total >= parameters(period).projects.open_competition.minimum_total)


class open_competition_subsidy_due(Variable):
    value_type = bool
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "揭榜挂帅制项目资金补助:应予补助"
    reference = "四(一)3"

    def formula_2022_01_01(applicant, period, parameters):
        return open_competition_eligible(applicant, period, parameters) & not_paid_before(
            applicant, period, parameters, open_competition_eligible, ["open_competition_name"]
        )


class open_competition_subsidy_low(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "揭榜挂帅制项目资金补助(下限:总额的10%,最高100万元)"
    reference = "四(一)3"

    def formula_2022_01_01(applicant, period, parameters):
        p = parameters(period).projects.open_competition
        total = applicant("open_competition_total", period)
        return applicant("open_competition_subsidy_due", period) * numpy.minimum(total * p.rate_low, p.cap)


class open_competition_subsidy_high(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "揭榜挂帅制项目资金补助(上限:总额的20%,最高100万元)"
    reference = "四(一)3"

    def formula_2022_01_01(applicant, period, parameters):
        p = parameters(period).projects.open_competition
        total = applicant("open_competition_total", period)
        return applicant("open_competition_subsidy_due", period) * numpy.minimum(total * p.rate_high, p.cap)


def won_project_eligible(applicant, period, parameters):
    kind = applicant("kind", period)
    level = applicant("won_project_level", period)
    return (
        ((kind == ApplicantKind.research_institute) | (kind == ApplicantKind.enterprise))
        & ((level == Level.national) | (level == Level.provincial))
        & (applicant("won_project_amount", period) > parameters(period).projects.won_project.threshold)
    )


class won_project_matching(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    end = "2025-12-31"
    label = "争取国家、省级科技计划项目配套"
    reference = "四(一)3"

    def formula_2022_01_01(applicant, period, parameters):
        p = parameters(period).projects.won_project
        due = won_project_eligible(applicant, period, parameters) & not_paid_before(
            applicant, period, parameters, won_project_eligible, ["won_project_name"]
        )
        return due * numpy.minimum(applicant("won_project_amount", period) * p.rate, p.cap)
