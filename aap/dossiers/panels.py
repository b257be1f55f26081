"""A part of the dossier page that another domain renders: the review, the instruction's checklist…"""
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup


@dataclass(frozen=True)
class DossierPanel:
    #: panels show after the thread and before the actions, smaller order first
    order: int
    #: rendered by the domain's own template, escaped there
    html: Markup


def rendered_panel(order: int, template: str, **context) -> DossierPanel:
    """A panel from a template of the domain's own: Jinja escapes every value it is given."""
    return DossierPanel(order, Markup(render_template(template, **context)))  # safe: autoescaped template  # nosec B704
