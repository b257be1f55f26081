"""Guards: each returns None when the transition may happen, else the reason shown to the user."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from aap.dossiers.notifications import recipients
from aap.extensions import db
from aap.workflow.models import AuditRecord
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


def _decisions_in_current_state(context) -> list:
    dossier = context.dossier
    return list(db.session.execute(db.select(AuditRecord).where(
        AuditRecord.dossier_id == dossier.id, AuditRecord.transition == "record_funder_decision",
        AuditRecord.at >= dossier.state_entered_at)).scalars())


@guard("funder_has_not_decided", _l("ce financeur n'a pas encore décidé"))
def funder_has_not_decided(context) -> str | None:
    if context.user is not None and any(r.actor_id == context.user.id for r in _decisions_in_current_state(context)):
        return _("Vous avez déjà enregistré la décision de votre financeur pour ce dossier.")
    return None


@guard("all_funders_decided", _l("tous les financeurs ont décidé"))
def all_funders_decided(context) -> str | None:
    funders = {user.id: user for user in recipients(context.dossier, "funders")}
    decided = {record.actor_id for record in _decisions_in_current_state(context)}
    waiting = [funders[i].display_name for i in funders if i not in decided]
    if not funders:
        return _("Aucun financeur n'est désigné sur cet appel à projets.")
    if waiting:
        return _("Décision encore attendue de : %(names)s.", names=", ".join(sorted(waiting)))
    return None
