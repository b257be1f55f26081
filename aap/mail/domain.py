"""What the outbox adds: the admin mailbox and queue pages, and the relay of what a lost job left behind."""
from aap.core.domains import Domain
from aap.mail import views
from aap.mail.tasks import relay_outbox

DOMAIN = Domain("mail", blueprints=(views.bp,), sweeps=(("relayed", relay_outbox),))
