"""A part of the dossier page that another domain renders: the review, the instruction's checklist…"""
from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class DossierPanel:
    #: panels show after the thread and before the actions, smaller order first
    order: int
    #: rendered by the domain's own template, escaped there
    html: Markup
