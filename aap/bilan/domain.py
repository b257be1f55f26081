"""What the bilan adds: the figures of an edition and across editions, their publication, exports and past editions."""
from aap.bilan import (
    cli,
    export_views,
    history_views,
    models,  # noqa: F401  (the bilan's tables belong to the app's metadata)
    pdf_tasks,
    pdf_views,
)
from aap.bilan.history_cli import import_history
from aap.core.domains import Domain

DOMAIN = Domain("bilan", blueprints=(pdf_views.bp, export_views.bp, history_views.bp),
                commands=(cli.bilan_commands, import_history), sweeps=(("bilan_pdfs", pdf_tasks.requeue_lost),))
