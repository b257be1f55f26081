"""What the decisions add: co-funders and envelopes, decisions and their release, the grant's life after them."""
from aap.core.domains import Domain
from aap.core.signals import dossier_panels_wanted
from aap.decisions import (
    agreement_models,  # noqa: F401  (the decisions' tables belong to the app's metadata)
    agreement_template_views,
    agreement_views,
    batch_views,
    envelope_views,
    funder_views,
    grant_models,  # noqa: F401
    guards,
    hub_views,
    letters,
    letters_panel,
    letters_views,
    models,  # noqa: F401
    panel,
    views,
)
from aap.decisions.events import EVENTS

DOMAIN = Domain("decisions", blueprints=(hub_views.bp, views.bp, batch_views.bp, envelope_views.bp, funder_views.bp,
                                         letters_views.bp, agreement_views.bp, agreement_template_views.bp),
                guards=(guards.every_cofunder_decided,), events=EVENTS,
                attachment_builders=letters.ATTACHMENT_BUILDERS,
                receivers=((dossier_panels_wanted, panel.decisions_panel),
                           (dossier_panels_wanted, letters_panel.documents_panel)))
