"""What the decisions add: co-funders and envelopes, decisions and their release, the grant's life after them."""
from aap.core.domains import Domain
from aap.core.signals import dossier_panels_wanted
from aap.decisions import (  # noqa: F401  (models: the decisions' tables belong to the app's metadata)
    bank_models,
    bank_views,
    grant_models,
    models,
    payments_due_views,
    payments_panel,
    payments_reminders,
    payments_views,
)
from aap.decisions.events import EVENTS

DOMAIN = Domain("decisions", events=EVENTS,
                blueprints=(bank_views.bp, payments_views.bp, payments_due_views.bp),
                receivers=((dossier_panels_wanted, payments_panel.payments_panel),),
                reminder_kinds=(payments_reminders.send_payment_reminder,),
                sweeps=(("payment_reminders", payments_reminders.plan_missing),))
