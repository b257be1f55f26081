"""Who is told of a final report's step: the workflow's own `notify` effects when its transition has them, else
this domain, with the same mail templates, so that nobody is told twice and nobody is left untold."""
from aap.core.urls import external_url
from aap.dossiers.notifications import MUTED, recipients
from aap.extensions import db
from aap.notifications.events import event_for_template
from aap.notifications.operations import notify
from aap.workflow.engine import workflow_of


def workflow_told(dossier, record, to: str) -> bool:
    """The transition the record wrote notified `to` (holder, instructors…) through its effects."""
    if record is None:
        return False
    transition = workflow_of(dossier).transitions.get(record.transition)
    return transition is not None and any(effect.name == "notify" and effect.params.get("to") == to
                                          for effect in transition.effects)


def tell(dossier, record, to: str, template: str, endpoint: str, comment: str = "") -> None:
    """Notify `to` of the dossier's news, unless the workflow's transition just did."""
    if workflow_told(dossier, record, to) or db.session.info.get(MUTED):
        return
    event = event_for_template(template).name
    for user in recipients(dossier, to):
        notify(user, event, template, link=external_url(endpoint, dossier_id=dossier.id),
               dossier_title=dossier.title or f"n° {dossier.id}", dossier_number=dossier.id,
               organisation=dossier.organisation.name, call=str(dossier.call),
               state=workflow_of(dossier).state_label(dossier.state), comment=comment, reasons=[],
               due_at=None, outcome=None, receipt=None)
