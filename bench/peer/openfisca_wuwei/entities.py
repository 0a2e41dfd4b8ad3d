"""The one entity of the model: whoever applies (an enterprise, a research institute, a person …)."""

from openfisca_core.entities import build_entity

Applicant = build_entity(
    key="applicant",
    plural="applicants",
    label="An applicant of the Wuwei plan (its kind is the variable `kind`)",
    is_person=True,
)

entities = [Applicant]
