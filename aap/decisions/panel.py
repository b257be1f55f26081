"""The decisions' part of the dossier page: every funder's decision and the funding plan against the budget."""
from aap.decisions.access import call_funders, grant_access
from aap.decisions.deciding import deciding_refusal
from aap.decisions.funding_plan import funding_plan
from aap.decisions.models import INSTRUMENTS, OUTCOMES
from aap.decisions.queries import dossier_decisions
from aap.dossiers.panels import DossierPanel, rendered_panel

#: after the review, before the actions
ORDER = 30


def decisions_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    """Receiver of dossier_panels_wanted."""
    if dossier.reference is None:
        return None
    own = grant_access(user, dossier, None)
    funders = call_funders(dossier.call)
    deciding = [(None, own)] + [(funder, grant_access(user, dossier, funder)) for funder in funders]
    staged_visible = own.see_staged
    decisions = dossier_decisions(dossier.id, released_only=not staged_visible)
    if not decisions and not any(rights_.decide for _funder, rights_ in deciding):
        return None
    may_decide = [funder for funder, rights_ in deciding
                  if rights_.decide and deciding_refusal(dossier, funder) is None]
    return rendered_panel(ORDER, "decisions/_panel.html", dossier=dossier, decisions=decisions,
                          plan=funding_plan(dossier, decisions), may_decide=may_decide, outcomes=OUTCOMES,
                          instruments=INSTRUMENTS, staged_visible=staged_visible)
