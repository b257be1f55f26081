"""What the periodic tick does for notifications: relay the outbox, send due reminders, write digests."""
from aap.extensions import db
from aap.notifications.operations import queue_digests
from aap.notifications.reminders import send_due_reminders
from aap.notifications.tasks import relay_outbox


def run_sweeps(queue, now=None) -> dict[str, int]:
    reminders = send_due_reminders(now)
    digests = queue_digests(now)
    db.session.commit()
    relayed = relay_outbox(queue, now)
    return {"reminders": reminders, "digests": digests, "relayed": relayed}
