"""The kinds of notification a person may receive, and which of them can never be switched off."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from aap.core.roles import CALL_ROLES
from aap.mail.labels import name_templates


@dataclass(frozen=True)
class Event:
    name: str
    label: object
    #: legally or practically essential: always mailed at once, whatever the preference
    essential: bool
    #: who receives it: "holder", "staff" (instructors, admins) or "partner" (reviewers, committee, funders)
    audience: tuple[str, ...]


EVENTS = {event.name: event for event in (
    Event("dossier_received", _l("Accusé de réception d'un dossier déposé"), True, ("holder",)),
    Event("info_requested", _l("Demande de compléments sur un dossier"), True, ("holder",)),
    Event("decision", _l("Décision sur un dossier"), True, ("holder",)),
    Event("dossier_update", _l("Avancement d'un dossier"), False, ("holder",)),
    Event("draft_reminder", _l("Rappel avant la clôture d'un appel (dossier non déposé)"), False, ("holder",)),
    Event("final_report_due", _l("Rappel : compte-rendu financier à déposer"), False, ("holder",)),
    Event("dossier_message", _l("Nouveau message dans le fil d'un dossier"), False, ("holder", "staff")),
    Event("dossier_submitted", _l("Dossier déposé ou complété (instruction)"), False, ("staff",)),
    Event("dossier_withdrawn", _l("Dossier retiré par sa structure"), False, ("staff",)),
    Event("review_assigned", _l("Dossiers confiés pour relecture"), False, ("partner",)),
    Event("review_due", _l("Rappel : relecture à rendre"), False, ("partner",)),
    Event("committee_convocation", _l("Convocation à une séance du comité de projets"), True, ("partner",)),
    Event("committee_cancelled", _l("Annulation d'une séance du comité de projets"), True, ("partner",)),
    Event("committee_reminder", _l("Rappel : séance du comité de projets dans 7 jours"), False, ("partner",)),
    Event("review_declined", _l("Relecture déclinée par un·e relecteur·rice"), False, ("staff",)),
    Event("announcement", _l("Messages du service des appels à projets"), False, ("holder", "staff", "partner")),
    Event("payment_due", _l("Rappel : versement d'une subvention à échéance"), False, ("staff", "partner")),
)}

#: any other template a workflow names is a dossier's progress
DEFAULT_EVENT = "dossier_update"
#: mails that are no notification: the account's, and the digest that gathers notifications
OTHER_MAILS = {
    "verify_email": _l("Confirmation de l'adresse e-mail"),
    "reset_password": _l("Choix d'un nouveau mot de passe"),
    "account_exists": _l("Avertissement : compte déjà existant"),
    "invitation": _l("Invitation à créer un compte"),
    "organisation_invitation": _l("Invitation à rejoindre une structure"),
    "digest": _l("Résumé quotidien des notifications"),
}
name_templates({**{name: event.label for name, event in EVENTS.items()}, **OTHER_MAILS},
               fallback=EVENTS[DEFAULT_EVENT].label)
#: mails that are no notification: the account's, and the digest that gathers notifications
OTHER_MAILS = {
    "verify_email": _l("Confirmation de l'adresse e-mail"),
    "reset_password": _l("Choix d'un nouveau mot de passe"),
    "account_exists": _l("Avertissement : compte déjà existant"),
    "invitation": _l("Invitation à créer un compte"),
    "organisation_invitation": _l("Invitation à rejoindre une structure"),
    "digest": _l("Résumé quotidien des notifications"),
}


def event_for_template(template: str) -> Event:
    return EVENTS.get(template, EVENTS[DEFAULT_EVENT])


def template_label(template: str) -> str:
    """What a mail is, in the reader's words, whatever its template's file name."""
    return str(OTHER_MAILS.get(template) or event_for_template(template).label)


def events_for(user) -> list[Event]:
    """The events this person can receive, in the catalogue's order."""
    audiences = {"holder"}
    if user.is_staff:
        audiences.add("staff")
    if user.roles() & set(CALL_ROLES):
        audiences.add("partner")
    return [event for event in EVENTS.values() if audiences & set(event.audience)]
