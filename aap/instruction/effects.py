"""Effects of the instruction: the checklist sealed into the decision's record, and a request put in the thread."""
from flask_babel import gettext as _

from aap.dossiers.deadlines import timeout_outcome
from aap.dossiers.messages import INFO_REQUEST, Message
from aap.extensions import db
from aap.instruction.checklist import items_of, ticks_of
from aap.workflow import audit
from aap.workflow.registry import effect

DECISIONS = ("eligible", "ineligible")


def _check_decision(params: dict) -> list[str]:
    if set(params) != {"decision"} or params["decision"] not in DECISIONS:
        return [f"paramètre attendu : decision ({' ou '.join(DECISIONS)})"]
    return []


@effect("record_eligibility", check=_check_decision)
def record_eligibility(context, decision: str) -> None:
    """The points as they stood, who ticked each, and for an ineligibility the unticked ones as its reasons.

    Listed before `notify` in a workflow file, so that the decision's mail carries the reasons.
    """
    dossier, ticks = context.dossier, ticks_of(context.dossier)
    checklist = [{"item": item, "ticked": item in ticks,
                  "by": ticks[item].ticked_by_label if item in ticks else None,
                  "at": ticks[item].ticked_at.isoformat() if item in ticks else None} for item in items_of(dossier)]
    values = {"eligibility": {"decision": decision, "checklist": checklist}}
    dossier.eligible = decision == "eligible"
    if decision == "ineligible":
        values["reasons"] = [entry["item"] for entry in checklist if not entry["ticked"]]
    audit.attach(dossier, context.record, **values)


@effect("post_info_request")
def post_info_request(context) -> None:
    """The request becomes a message of the thread: what is asked, by when, and what happens after."""
    dossier = context.dossier
    db.session.add(Message(dossier_id=dossier.id, author_id=context.user.id if context.user else None,
                           from_staff=True, kind=INFO_REQUEST, created_at=context.now,
                           body=(context.data.get("comment") or "").strip() or _("Compléments demandés."),
                           due_at=dossier.timeout_at, outcome_label=timeout_outcome(dossier)))
