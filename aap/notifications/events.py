"""The kinds of notification a person may receive, and which of them can never be switched off."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from aap.core.roles import CALL_ROLES


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
    Event("announcement", _l("Messages du service des appels à projets"), False, ("holder", "staff", "partner")),
)}

#: any other template a workflow names is a dossier's progress
DEFAULT_EVENT = "dossier_update"


def event_for_template(template: str) -> Event:
    return EVENTS.get(template, EVENTS[DEFAULT_EVENT])


def events_for(user) -> list[Event]:
    """The events this person can receive, in the catalogue's order."""
    audiences = {"holder"}
    if user.is_staff:
        audiences.add("staff")
    if user.roles() & set(CALL_ROLES):
        audiences.add("partner")
    return [event for event in EVENTS.values() if audiences & set(event.audience)]
