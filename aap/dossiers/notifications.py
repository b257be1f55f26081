"""Who a workflow's `notify` effect writes to, and what the mail says."""
from aap.auth.models import RoleGrant, User
from aap.core.roles import GLOBAL_ROLES, RECIPIENT_ROLES
from aap.core.urls import external_url
from aap.dossiers.deadlines import timeout_outcome
from aap.extensions import db
from aap.notifications.events import event_for_template
from aap.notifications.operations import notify


def recipients(dossier, to: str) -> list[User]:
    if to == "holder":
        return [membership.user for membership in dossier.organisation.memberships if membership.user.active]
    role = RECIPIENT_ROLES[to]
    query = db.select(User).join(RoleGrant).where(User.active.is_(True), RoleGrant.role == role)
    if role in GLOBAL_ROLES:
        query = query.where(RoleGrant.call_id.is_(None))
    else:
        query = query.where(RoleGrant.call_id == dossier.call_id)
    return list(db.session.execute(query.distinct()).scalars())


MUTED = "aap_mute_notifications"


def notify_dossier(context, to: str, template: str) -> None:
    if db.session.info.get(MUTED):  # loading past editions: their notifications were sent long ago
        return
    dossier, record, receipt = context.dossier, context.record, context.receipt
    event = event_for_template(template).name
    for user in recipients(dossier, to):
        notify(user, event, template, link=external_url("dossiers.show", dossier_id=dossier.id),
               dossier_title=dossier.title or f"n° {dossier.id}", dossier_number=dossier.id,
               organisation=dossier.organisation.name,
               call=str(dossier.call), state=context.workflow.state_label(dossier.state),
               comment=record.comment if record else "",
               reasons=record.payload.get("reasons", []) if record else [],
               due_at=dossier.timeout_at, outcome=timeout_outcome(dossier),
               receipt={"reference": receipt.reference, "issued_at": receipt.issued_at,
                        "checksum": receipt.checksum} if receipt else None)


def remind_holders(dossier, kind: str, offset: str, **context) -> None:
    """A reminder of `kind` to the dossier's holders; its key makes a second writing a no-op."""
    for user in recipients(dossier, "holder"):
        notify(user, kind, link=external_url("dossiers.show", dossier_id=dossier.id),
               key=f"{kind}:{dossier.id}:{offset}:{user.id}", dossier_title=dossier.title or f"n° {dossier.id}",
               dossier_number=dossier.id, call=str(dossier.call), days=int(offset.removesuffix("d")), **context)
