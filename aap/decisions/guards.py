"""Guards the decisions add to the workflow vocabulary: each returns None when the transition may happen, else why."""
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from aap.decisions.access import call_funders
from aap.decisions.models import Decision
from aap.extensions import db
from aap.workflow.registry import guard


def awaited_cofunders(dossier) -> list[str]:
    """The names of the call's co-funders without a released, current decision on the dossier, in their order."""
    decided = set(db.session.execute(
        select(Decision.funder_id).where(Decision.dossier_id == dossier.id, Decision.funder_id.is_not(None),
                                         Decision.released_at.is_not(None), Decision.superseded.is_(False))).scalars())
    return [funder.name for funder in call_funders(dossier.call) if funder.id not in decided]


@guard("every_cofunder_decided", _l("chaque cofinanceur a publié sa décision"))
def every_cofunder_decided(context) -> str | None:
    """The authority's own decision comes last: once each co-funder of the call has released its own."""
    awaited = awaited_cofunders(context.dossier)
    if not awaited:
        return None
    return ngettext("Décision du cofinanceur encore attendue : %(names)s. Celle de l'autorité se publie une fois "
                    "publiée celle de chaque cofinanceur.",
                    "Décisions des cofinanceurs encore attendues : %(names)s. Celle de l'autorité se publie une fois "
                    "publiée celle de chaque cofinanceur.", len(awaited), names=", ".join(awaited))
