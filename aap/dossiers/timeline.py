"""The dossier's timeline as each reader may see it."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from aap.auth.models import User
from aap.dossiers.access import access
from aap.extensions import db
from aap.workflow.engine import workflow_of
from aap.workflow.models import AuditRecord

SPECIAL = {"create": _l("Dossier créé"), "migrate": _l("Passage à une nouvelle version du cycle de traitement"),
           "support_access": _l("Brouillon ouvert par l'administration pour assistance"),
           "reviews_frozen": _l("Relectures figées pour la séance du comité"),
           "conflict_declared": _l("Conflit d'intérêts déclaré"), "conflict_removed": _l("Conflit d'intérêts retiré"),
           "review_declined": _l("Relecture déclinée"),
           "committee_recommendation": _l("Avis du comité enregistré en séance"),
           "minutes_locked": _l("Procès-verbal de la séance verrouillé"),
           "committee_handover": _l("Avis du comité transmis à la décision"),
           "payment_recorded": _l("Versement enregistré"),
           "payment_schedule_changed": _l("Échéancier des versements modifié"),
           "bank_details_changed": _l("Coordonnées bancaires modifiées après un versement"),
           "agreement_generated": _l("Convention générée"),
           "agreement_signature": _l("Signature de la convention enregistrée"),
           "final_report_accepted": _l("Compte-rendu financier accepté"),
           "final_report_returned": _l("Compte-rendu financier renvoyé au porteur"),
           "grant_closing": _l("Dossier clos : tout est versé et le compte-rendu accepté"),
           "recovery_issued": _l("Titre de recettes émis"),
           "history_import": _l("Dossier importé d'une édition passée")}


@dataclass(frozen=True)
class Entry:
    sequence: int
    at: datetime
    label: str
    actor: str
    from_label: str | None
    to_label: str
    comment: str
    amount: str | None
    file: dict | None
    internal: bool
    #: the points of eligibility not met, for an ineligibility decision
    reasons: tuple[str, ...] = ()


def timeline(dossier, viewer) -> list[Entry]:
    workflow = workflow_of(dossier)
    rights = access(viewer, dossier)
    staff_view = rights.staff_view
    query = (db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
             .options(joinedload(AuditRecord.actor).lazyload(User.grants))  # every actor in this one query
             .order_by(AuditRecord.sequence.desc()))
    if not staff_view:
        query = query.where(AuditRecord.holder_visible.is_(True))
    entries = []
    for record in db.session.execute(query).scalars():
        transition = workflow.transitions.get(record.transition)
        label = transition.label if transition else str(SPECIAL.get(record.transition, record.transition))
        entries.append(Entry(record.sequence, record.at, label, _actor(record, dossier, rights),
                             workflow.state_label(record.from_state) if record.from_state else None,
                             workflow.state_label(record.to_state), record.comment, record.payload.get("amount"),
                             record.payload.get("file"), not record.holder_visible,
                             tuple(record.payload.get("reasons", ()))))
    return entries


def _actor(record, dossier, rights) -> str:
    """Who acted, as this reader may know it: a blind reviewer never reads the name of a holder."""
    if record.actor_id is None:
        return _("Traitement automatique")
    if record.actor is None:
        return _("Masqué pour la relecture") if rights.identity_hidden else record.actor_label
    if rights.staff_view:
        return record.actor.display_name
    if dossier.organisation.is_member(record.actor):
        return _("La structure porteuse") if rights.identity_hidden else record.actor.display_name
    return _("L'équipe de la collectivité")
