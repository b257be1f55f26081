"""What notifications add: the notification centre, and the sweeps for due reminders and daily digests."""
from aap.core.domains import Domain
from aap.notifications import inbox
from aap.notifications.operations import queue_digests
from aap.notifications.reminders import send_due_reminders

DOMAIN = Domain("notifications", blueprints=(inbox.bp,),
                sweeps=(("reminders", send_due_reminders), ("digests", queue_digests)))
