"""What the decisions add: co-funders and envelopes, decisions and their release, the grant's life after them."""
from aap.core.domains import Domain
from aap.core.signals import dossier_panels_wanted, overdue_reports_wanted, transition_applied
from aap.decisions import (
    agreement_models,  # noqa: F401  (the decisions' tables belong to the app's metadata)
    agreement_template_views,
    agreement_views,
    bank_models,  # noqa: F401
    bank_views,
    batch_views,
    closing_models,  # noqa: F401  (the decisions' tables belong to the app's metadata)
    closing_views,
    envelope_views,
    funder_views,
    grant_models,  # noqa: F401
    guards,
    hub_views,
    letters,
    letters_panel,
    letters_views,
    models,  # noqa: F401
    panel,
    payments_due_views,
    payments_panel,
    payments_reminders,
    payments_views,
    reports_indicators_views,
    reports_models,  # noqa: F401
    reports_panels,
    reports_reminders,
    reports_review_views,
    reports_views,
    views,
)
from aap.decisions.events import EVENTS
from aap.decisions.models import funder_label


def _setup(app) -> None:
    app.add_template_global(funder_label)

DOMAIN = Domain(
    "decisions", events=EVENTS, guards=(guards.every_cofunder_decided,),
    blueprints=(hub_views.bp, views.bp, batch_views.bp, envelope_views.bp, funder_views.bp,
                letters_views.bp, agreement_views.bp, agreement_template_views.bp,
                bank_views.bp, payments_views.bp, payments_due_views.bp,
                reports_views.bp, reports_review_views.bp, reports_indicators_views.bp, closing_views.bp),
    attachment_builders=letters.ATTACHMENT_BUILDERS,
    receivers=((dossier_panels_wanted, panel.decisions_panel),
               (dossier_panels_wanted, letters_panel.documents_panel),
               (dossier_panels_wanted, payments_panel.payments_panel),
               (transition_applied, reports_reminders.follow_transition),
               (dossier_panels_wanted, reports_panels.overdue_panel),
               (dossier_panels_wanted, reports_panels.report_panel),
               (overdue_reports_wanted, reports_panels.answer_overdue)),
    reminder_kinds=(reports_reminders.send_report_reminder, payments_reminders.send_payment_reminder),
    sweeps=(("payment_reminders", payments_reminders.plan_missing),),
    setup=_setup,
)
