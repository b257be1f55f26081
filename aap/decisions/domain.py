"""What the decisions add: co-funders and envelopes, decisions and their release, the grant's life after them."""
from aap.core.domains import Domain
from aap.core.signals import dossier_panels_wanted
from aap.decisions import (
    agreement_models,  # noqa: F401  (the decisions' tables belong to the app's metadata)
    agreement_template_views,
    agreement_views,
    grant_models,  # noqa: F401
    letters,
    letters_panel,
    letters_views,
    models,  # noqa: F401
)
from aap.decisions.events import EVENTS

DOMAIN = Domain("decisions", events=EVENTS,
                blueprints=(letters_views.bp, agreement_views.bp, agreement_template_views.bp),
                attachment_builders=letters.ATTACHMENT_BUILDERS,
                receivers=((dossier_panels_wanted, letters_panel.documents_panel),))
