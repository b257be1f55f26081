"""What the decisions add: co-funders and envelopes, decisions and their release, the grant's life after them."""
from aap.core.domains import Domain
from aap.decisions import bank_models, grant_models, models  # noqa: F401  (the decisions' tables belong to the app's metadata)
from aap.decisions.events import EVENTS

DOMAIN = Domain("decisions", events=EVENTS)
