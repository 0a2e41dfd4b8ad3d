"""A country-package-like OpenFisca model of 14 awards of the Wuwei pack (packs/wuwei-2022).

Written the way an OpenFisca country package is written (openfisca-core 46): one entity, yearly
variables, parameters in YAML with the plan's sentences as references, formulas over numpy arrays.
Money is `value_type = float`, which OpenFisca stores as float32, as every stock model does; the
benchmark measures what that costs against the exact reference. See ../README.md.
"""

import os

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from openfisca_wuwei.entities import entities

HERE = os.path.dirname(os.path.abspath(__file__))

# The awards the model computes: (pack rule id, variable of the low amount, variable of the high
# amount). The high is the low's variable for a fixed amount, and None where the plan sets no
# upper limit (不低于).
AWARDS = [
    ("open-competition-subsidy", "open_competition_subsidy_low", "open_competition_subsidy_high"),
    ("won-project-matching", "won_project_matching", "won_project_matching"),
    ("high-tech-new", "high_tech_new", "high_tech_new"),
    ("smart-factory-new", "smart_factory_new", "smart_factory_new"),
    ("digital-workshop-new", "digital_workshop_new", "digital_workshop_new"),
    ("little-giant-new", "little_giant_new", "little_giant_new"),
    ("provincial-srdi-new", "provincial_srdi_new", "provincial_srdi_new"),
    ("provincial-sti-new", "provincial_sti_new", "provincial_sti_new"),
    ("municipal-sti-new", "municipal_sti_new", "municipal_sti_new"),
    ("rd-spend-tiers", "rd_spend_tiers", "rd_spend_tiers"),
    ("first-super-deduction", "first_super_deduction", "first_super_deduction"),
    ("high-value-patents", "high_value_patents_reward", "high_value_patents_reward"),
    ("trademark-gi-per-item", "trademark_gi_reward", "trademark_gi_reward"),
    ("commissioner-funding", "commissioner_funding", None),
]


class CountryTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self):
        super().__init__(entities)
        self.add_variables_from_directory(os.path.join(HERE, "variables"))
        self.load_parameters(os.path.join(HERE, "parameters"))
