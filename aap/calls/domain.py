"""What calls add: the public pages (the home page among them) and their administration."""
from aap.calls import public, views
from aap.core.domains import Domain

DOMAIN = Domain("calls", blueprints=(public.bp, views.bp))
