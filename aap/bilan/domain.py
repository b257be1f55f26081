"""What the bilan adds: the figures of an edition and across editions, their publication, exports and past editions."""
from aap.bilan import (
    cli,
    export_views,
    history_views,
    models,  # noqa: F401  (the bilan's tables belong to the app's metadata)
    pdf_tasks,
    pdf_views,
    public_views,
    views,
)
from aap.bilan.chart_sets import bilan_charts
from aap.bilan.charts import day_text, decimal_text, percent_text, ratio_text
from aap.bilan.history_cli import import_history
from aap.core.domains import Domain


def _setup(app) -> None:
    """What the bilan's templates use: its charts and the way its rates read."""
    app.add_template_global(bilan_charts)
    app.jinja_env.filters.update(bilan_percent=percent_text, bilan_ratio=ratio_text, bilan_decimal=decimal_text,
                                 bilan_day=day_text)


DOMAIN = Domain("bilan", blueprints=(views.bp, public_views.bp, pdf_views.bp, export_views.bp, history_views.bp),
                commands=(cli.bilan_commands, import_history), sweeps=(("bilan_pdfs", pdf_tasks.requeue_lost),),
                setup=_setup)
