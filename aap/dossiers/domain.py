"""What dossiers add: their pages, the guards and effects workflow files name, reminders, and receivers."""
from aap.core.domains import Domain
from aap.core.signals import (
                              audit_chains_checked,
                              call_schedule_changed,
                              dossier_counts_wanted,
                              dossier_started,
                              strands_removing,
)
from aap.dossiers import blueprint, effects, guards, migration_views, receipts, start_views
from aap.dossiers.models import Dossier
from aap.dossiers.operations import refuse_removing_used_strands
from aap.dossiers.queries import dossier_counts_by_call
from aap.dossiers.reminders import plan_for_new_draft, replan_for_call, send_draft_reminder

DOMAIN = Domain(
    "dossiers",
    blueprints=(blueprint.bp, start_views.bp, migration_views.bp),
    guards=(guards.call_is_open, guards.call_is_closed, guards.dossier_is_complete),
    effects=(effects.notify, receipts.issue_receipt),
    receivers=((dossier_started, plan_for_new_draft), (call_schedule_changed, replan_for_call),
               (strands_removing, refuse_removing_used_strands),
               (dossier_counts_wanted, dossier_counts_by_call), (audit_chains_checked, receipts.receipt_problems)),
    reminder_kinds=(send_draft_reminder,),
    workflow_subject=Dossier,
)
