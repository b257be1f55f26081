"""Guards of the eligibility decisions: each returns None when the decision may be taken, else why not."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from aap.instruction.checklist import ELIGIBLE_GUARD, INELIGIBLE_GUARD, items_of, unticked
from aap.workflow.registry import guard


@guard(ELIGIBLE_GUARD, _l("tous les points de recevabilité sont cochés"))
def eligibility_is_checked(context) -> str | None:
    missing = unticked(context.dossier)
    if not missing:
        return None
    return ngettext("Un point de recevabilité n'est pas coché : %(items)s. Cochez-le une fois vérifié, "
                    "ou déclarez le dossier irrecevable.",
                    "%(num)d points de recevabilité ne sont pas cochés : %(items)s. Cochez-les une fois vérifiés, "
                    "ou déclarez le dossier irrecevable.", len(missing), items=" ; ".join(missing))


@guard(INELIGIBLE_GUARD, _l("un point de recevabilité au moins n'est pas rempli"))
def ineligibility_is_explained(context) -> str | None:
    if not items_of(context.dossier) or unticked(context.dossier):
        return None
    return _("Tous les points de recevabilité sont cochés : décochez ceux que le dossier ne remplit pas, "
             "ils motivent l'irrecevabilité auprès de la structure.")
