"""What the bilan adds: the figures of an edition and across editions, their publication, exports and past editions."""
from aap.bilan import (
    history_views,
    models,  # noqa: F401  (the bilan's tables belong to the app's metadata)
)
from aap.bilan.history_cli import import_history
from aap.core.domains import Domain

DOMAIN = Domain("bilan", blueprints=(history_views.bp,), commands=(import_history,))
