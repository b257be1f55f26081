"""What organisations add: their pages."""
from aap.core.domains import Domain
from aap.organisations import views

DOMAIN = Domain("organisations", blueprints=(views.bp,))
