"""The pack's enumerations the model reads (pack.toml [[enums]]); NONE stands for no event."""

from openfisca_core.indexed_enums import Enum


class ApplicantKind(Enum):
    enterprise = "企业"
    research_institute = "科研院所"
    university = "高等学校"
    team = "创新团队"
    person = "个人"
    consortium = "企业创新联合体"
    park = "园区"
    county = "县区"
    institution = "事业单位"
    administration = "科技主管部门"


class RecognitionKind(Enum):
    NONE = "无"
    high_tech = "高新技术企业"
    smart_factory = "智能工厂"
    digital_workshop = "数字化车间"
    little_giant = "国家专精特新“小巨人”企业"
    provincial_srdi = "省级专精特新中小企业"
    provincial_sti = "省级科技创新型企业"
    tech_innovation_demo = "技术创新示范企业"
    municipal_sti = "市级科技创新型企业"


class CompetitionMode(Enum):
    NONE = "无"
    task_set = "任务定榜、挂帅揭榜"
    enterprise_posted = "企业出榜、全国揭榜"


class CompetitionRole(Enum):
    NONE = "无"
    poster = "出榜方"
    solver = "揭榜方"


class Level(Enum):
    NONE = "无"
    national = "国家级"
    provincial = "省级"
    municipal = "市级"


class MarkKind(Enum):
    NONE = "无"
    well_known_trademark = "中国驰名商标"
    gi_trademark = "地理标志证明商标(集体商标)"
    gi_product = "国家地理标志产品保护"
    gi_mark_user = "核准使用地理标志专用标志"
