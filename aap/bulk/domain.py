"""What bulk messages add: their administration pages and the page where recipients read them."""
from aap.bulk import views
from aap.core.domains import Domain

DOMAIN = Domain("bulk", blueprints=(views.bp,))
