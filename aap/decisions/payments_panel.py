"""What the payments show on the dossier page: each released grant's schedule, and the way to the bank details."""
from aap.core.models import utcnow
from aap.decisions.access import payment_access
from aap.decisions.bank_operations import current_account
from aap.decisions.grant_models import TRIGGERS
from aap.decisions.lifecycle import granted_decisions
from aap.decisions.payments_loading import funder_names
from aap.decisions.payments_plan import paris_day, percent
from aap.decisions.payments_queries import schedules, state_of
from aap.dossiers.panels import DossierPanel, rendered_panel

PAYMENTS_ORDER = 60


def payments_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    """Receiver of dossier_panels_wanted: nothing until a granted decision is released, nothing to strangers."""
    if dossier.reference is None or not rights.view:
        return None
    granted = granted_decisions(dossier.id)
    payments = payment_access(user, dossier, granted)
    if not granted or not payments.schedule:
        return None
    return rendered_panel(PAYMENTS_ORDER, "decisions/payments/_panel.html", dossier=dossier, granted=granted,
                          tranches=schedules(granted), rights=payments, funders=funder_names(granted),
                          today=paris_day(utcnow()),
                          has_account=current_account(dossier.organisation_id) is not None, triggers=TRIGGERS,
                          percent=percent, state_of=state_of, staff=bool(payments.pays) or user.is_staff)
