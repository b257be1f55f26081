"""What the instruction adds: the eligibility checklist and its guards, requests for information in the thread,
internal notes, and their panels on the dossier page."""
from aap.core.domains import Domain
from aap.core.signals import dossier_panels_wanted
from aap.instruction import effects, guards, models, panels, views  # noqa: F401  (models: the tables)

DOMAIN = Domain(
    "instruction",
    blueprints=(views.bp,),
    guards=(guards.eligibility_is_checked, guards.ineligibility_is_explained),
    effects=(effects.record_eligibility, effects.post_info_request),
    receivers=((dossier_panels_wanted, panels.eligibility_panel), (dossier_panels_wanted, panels.notes_panel)),
)
