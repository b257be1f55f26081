"""Writes of the agreement (convention): its text generated from the call's template, then its signature recorded.

Each takes the dossier's row lock first, so that two clicks or two staff members meet one after the other. None of
them commits. The signature fires the AGREEMENT_SIGNED event, which moves the dossier for the authority's decision;
a co-funder's is written in the dossier's history here, and its holders are told.
"""
import hashlib
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from aap.core.formatting import PARIS, short_date
from aap.core.storage import StoredFile
from aap.core.urls import external_url
from aap.decisions import lifecycle
from aap.decisions.agreement_templates import in_use
from aap.decisions.agreement_values import values_for
from aap.decisions.events import AGREEMENT_SIGNED
from aap.decisions.grant_models import AT_SIGNATURE, Agreement
from aap.decisions.letters_words import paris_day
from aap.decisions.models import GRANTED, Decision
from aap.decisions.payments_plan import start_clock
from aap.decisions.templating import TemplateRefused, render
from aap.dossiers.notifications import recipients
from aap.extensions import db
from aap.notifications.operations import notify
from aap.workflow import audit, engine

#: the records an agreement leaves in its dossier's history besides the workflow's own
AGREEMENT_GENERATED, AGREEMENT_SIGNATURE = "agreement_generated", "agreement_signature"
#: a signed scan is a PDF or a photograph of the pages, told by its bytes
SCAN_TYPES = ("application/pdf", "image/jpeg", "image/png")


class AgreementRefused(Exception):
    """Nothing was done; the message says why, in French, about the form's `field` if it is one's fault."""

    def __init__(self, message: str, field: str | None = None, conflict: bool = False):
        super().__init__(message)
        self.field, self.conflict = field, conflict


def agreement_of(decision: Decision) -> Agreement | None:
    return db.session.execute(select(Agreement).where(Agreement.decision_id == decision.id)).scalar_one_or_none()


def paris_today(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def _closed(decision: Decision, dossier) -> bool:
    return decision.closed_at is not None or engine.workflow_of(dossier).states[dossier.state].final


def _check_grant(decision: Decision, dossier) -> None:
    if decision.outcome != GRANTED or not decision.released or decision.superseded:
        raise AgreementRefused(_("Seule une décision d'accord publiée donne lieu à une convention."))
    if _closed(decision, dossier):
        raise AgreementRefused(_("Le dossier est clos : sa convention ne change plus."), conflict=True)


def generate(decision: Decision, user, now: datetime) -> tuple[Agreement, datetime | None]:
    """The agreement's text from the call's template as it is now; also the time of the text it replaces, if any."""
    dossier = engine.lock(decision.dossier_id)
    _check_grant(decision, dossier)
    agreement = agreement_of(decision)
    if agreement is not None and agreement.signed:
        raise AgreementRefused(_("La convention a été signée le %(day)s : son texte ne peut plus être régénéré.",
                                 day=short_date(agreement.signed_on)), conflict=True)
    template = in_use(dossier.call_id)
    try:
        text = render(template.source, values_for(decision, paris_today(now)))
    except TemplateRefused as refusal:
        raise AgreementRefused(_("Le modèle de convention de l'appel n'a pas pu être appliqué : %(reason)s",
                                 reason=" ".join(refusal.problems))) from None
    replaced = agreement.generated_at if agreement is not None else None
    if agreement is None:
        agreement = Agreement(decision_id=decision.id)
        db.session.add(agreement)
    agreement.text, agreement.generated_at, agreement.generated_by_id = text, now, user.id
    agreement.template_id, agreement.template_sha256 = (template.row.id if template.row else None), template.sha256
    db.session.flush()
    audit.append(dossier, transition=AGREEMENT_GENERATED, from_state=dossier.state, to_state=dossier.state,
                 actor=user, at=now, holder_visible=False,
                 payload={"agreement": {"decision": decision.id, "template_version": template.row.version
                                        if template.row else 0, "template_sha256": template.sha256,
                                        "text_sha256": hashlib.sha256(text.encode()).hexdigest()}})
    return agreement, replaced


def check_signature(decision: Decision, agreement: Agreement | None, signed_on: date | None,
                    stored: StoredFile | None, today: date) -> None:
    """Every reason not to record this signature, the first one found raised."""
    if agreement is None or agreement.generated_at is None:
        raise AgreementRefused(_("Générez la convention avant d'enregistrer sa signature."))
    if agreement.signed:
        raise AgreementRefused(_("La signature de cette convention est déjà enregistrée (signée le %(day)s) : rien "
                                 "n'a été changé.", day=short_date(agreement.signed_on)), conflict=True)
    released_on = paris_day(decision.released_at)
    if signed_on is None:
        raise AgreementRefused(_("Indiquez la date de signature de la convention."), "signed_on")
    if signed_on > today:
        raise AgreementRefused(_("La date de signature ne peut pas être dans le futur."), "signed_on")
    if signed_on < released_on:
        raise AgreementRefused(_("La date de signature ne peut pas précéder la publication de la décision, le "
                                 "%(day)s.", day=short_date(released_on)), "signed_on")
    if stored is None:
        raise AgreementRefused(_("Joignez le scan de la convention signée (PDF, JPEG ou PNG)."), "file")
    if stored.content_type not in SCAN_TYPES:
        raise AgreementRefused(_("Le scan de la convention signée doit être un PDF ou une image JPEG ou PNG."), "file")


def record_signature(decision: Decision, signed_on: date | None, stored: StoredFile | None, user,
                     now: datetime) -> Agreement:
    """The signature date and the signed scan, recorded once; the dossier follows and the holders are told."""
    dossier = engine.lock(decision.dossier_id)
    _check_grant(decision, dossier)
    agreement = agreement_of(decision)
    check_signature(decision, agreement, signed_on, stored, paris_today(now))
    agreement.signed_on, agreement.stored_file = signed_on, stored
    agreement.signature_recorded_by_id, agreement.signature_recorded_at = user.id, now
    start_clock(decision, AT_SIGNATURE, signed_on, now)
    with force_locale("fr"):  # the dossier's history is the authority's record, in French
        comment = _("Convention signée le %(day)s : le scan signé est sur la page de la convention.",
                    day=short_date(signed_on))
    try:
        record = lifecycle.follow(decision, AGREEMENT_SIGNED, user, now, {"file": stored, "comment": comment})
    except engine.TransitionRefused as refusal:
        raise AgreementRefused(refusal.message) from None
    mark = {"decision": decision.id, "signed_on": signed_on.isoformat()}
    if record is None:
        audit.append(dossier, transition=AGREEMENT_SIGNATURE, from_state=dossier.state, to_state=dossier.state,
                     actor=user, at=now, comment=comment, payload={"file": stored.as_dict(), "agreement": mark})
        _tell_holders(decision, dossier, comment)
    elif record.sequence == dossier.audit_count:
        audit.attach(dossier, record, agreement=mark)
    db.session.flush()
    return agreement


def _tell_holders(decision: Decision, dossier, comment: str) -> None:
    """What the workflow's own step tells for the authority's agreement, told here for a co-funder's."""
    link = external_url("decision_agreements.agreement", decision_id=decision.id)
    state = engine.workflow_of(dossier).state_label(dossier.state)
    for user in recipients(dossier, "holder"):
        notify(user, "dossier_update", link=link, key=f"agreement_signed:{decision.id}:{user.id}",
               dossier_title=dossier.title or f"n° {dossier.id}", dossier_number=dossier.id,
               organisation=dossier.organisation.name, call=str(dossier.call), state=state, comment=comment)
