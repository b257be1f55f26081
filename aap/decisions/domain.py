"""What the decisions add: co-funders and envelopes, decisions and their release, the grant's life after them."""
from aap.core.domains import Domain
from aap.decisions import (  # noqa: F401  (models: the decisions' tables belong to the app's metadata)
    bank_models,
    grant_models,
    models,
    payments_reminders,
)
from aap.decisions.events import EVENTS

DOMAIN = Domain("decisions", events=EVENTS,
                reminder_kinds=(payments_reminders.send_payment_reminder,),
                sweeps=(("payment_reminders", payments_reminders.plan_missing),))
