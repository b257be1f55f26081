"""What the administration adds: the list of accounts and invitations."""
from aap.admin import views
from aap.core.domains import Domain

DOMAIN = Domain("admin", blueprints=(views.bp,))
