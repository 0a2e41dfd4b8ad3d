"""Inputs: the columns of the flat population (packs/wuwei-2022/facts.toml), one variable each.

Money is `float`, i.e. float32. A cell left empty (not known) stays at the default value; with the
14 awards' conditions a default never awards anything, as "needs information" never does in qiangke.
"""

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import ETERNITY, YEAR
from openfisca_core.variables import Variable

from openfisca_wuwei.entities import Applicant
from openfisca_wuwei.enums import ApplicantKind, CompetitionMode, CompetitionRole, Level, MarkKind, RecognitionKind


class kind(Variable):
    value_type = Enum
    possible_values = ApplicantKind
    default_value = ApplicantKind.enterprise
    entity = Applicant
    definition_period = ETERNITY
    label = "主体类型"


class above_scale(Variable):
    value_type = bool
    entity = Applicant
    definition_period = YEAR
    label = "规模以上工业企业(当年度)"


class rd_expenditure(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    label = "年度研发经费内部支出"


class super_deduction_amount(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    label = "研发费用加计扣除额"


class super_deduction_first_time(Variable):
    value_type = bool
    entity = Applicant
    definition_period = YEAR
    label = "首次享受研发费用加计扣除税收优惠政策"


class high_value_patents(Variable):
    value_type = int
    entity = Applicant
    definition_period = YEAR
    label = "国家知识产权局当年认定的高价值发明专利件数"


class municipal_commissioners(Variable):
    value_type = int
    entity = Applicant
    definition_period = YEAR
    label = "选派的市级科技特派员人数"


# Events: at most one of each type per applicant and year (the population's layout), dated in the
# year; NONE / empty when there is none.


class recognition_kind(Variable):
    value_type = Enum
    possible_values = RecognitionKind
    default_value = RecognitionKind.NONE
    entity = Applicant
    definition_period = YEAR
    label = "认定类别"


class recognition_renewal(Variable):
    value_type = bool
    entity = Applicant
    definition_period = YEAR
    label = "是否为重新认定(复审)"


class recognition_name(Variable):
    value_type = str
    entity = Applicant
    definition_period = YEAR
    label = "工厂或车间名称"


class open_competition_name(Variable):
    value_type = str
    entity = Applicant
    definition_period = YEAR
    label = "揭榜挂帅制科研项目名称"


class open_competition_total(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    label = "揭榜挂帅制科研项目科技投入总额"


class open_competition_mode(Variable):
    value_type = Enum
    possible_values = CompetitionMode
    default_value = CompetitionMode.NONE
    entity = Applicant
    definition_period = YEAR
    label = "组织方式"


class open_competition_role(Variable):
    value_type = Enum
    possible_values = CompetitionRole
    default_value = CompetitionRole.NONE
    entity = Applicant
    definition_period = YEAR
    label = "本单位在项目中的角色"


class won_project_name(Variable):
    value_type = str
    entity = Applicant
    definition_period = YEAR
    label = "争取到的国家、省级科技计划项目名称"


class won_project_level(Variable):
    value_type = Enum
    possible_values = Level
    default_value = Level.NONE
    entity = Applicant
    definition_period = YEAR
    label = "级别"


class won_project_amount(Variable):
    value_type = float
    entity = Applicant
    definition_period = YEAR
    label = "争取项目资金额度"


class ip_mark_kind(Variable):
    value_type = Enum
    possible_values = MarkKind
    default_value = MarkKind.NONE
    entity = Applicant
    definition_period = YEAR
    label = "商标、地理标志类别"


class ip_mark_name(Variable):
    value_type = str
    entity = Applicant
    definition_period = YEAR
    label = "商标、地理标志名称"
