"""Guards: each returns None when the transition may happen, else the reason shown to the user."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from aap.workflow.registry import guard


@guard("call_is_open", _l("l'appel est ouvert aux dépôts"))
def call_is_open(context) -> str | None:
    call = context.dossier.call
    if call.is_open(context.now):
        return None
    if call.closes_at is not None and context.now >= call.closes_at:
        return _("L'appel à projets est clos : la date limite de dépôt est passée.")
    return _("L'appel à projets n'est pas ouvert aux dépôts.")


@guard("call_is_closed", _l("la date limite de dépôt est passée"))
def call_is_closed(context) -> str | None:
    call = context.dossier.call
    if call.closes_at is not None and context.now >= call.closes_at or call.state in ("closed", "archived"):
        return None
    return _("L'appel à projets est encore ouvert aux dépôts.")


@guard("dossier_is_complete", _l("le dossier est complet"))
def dossier_is_complete(context) -> str | None:
    missing = context.dossier.missing_items()
    if not missing:
        return None
    return ngettext("Le dossier est incomplet : %(items)s manquant.", "Le dossier est incomplet : %(items)s manquants.",
                    len(missing), items=", ".join(str(item) for item in missing))
