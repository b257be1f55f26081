"""What the committee adds: sessions and their members, the agenda, the live meeting, votes and the minutes."""
from aap.committee import (
    agenda_views,
    convocation,
    hub_views,
    live_chair_views,
    live_views,
    minutes_views,
    models,  # noqa: F401  (the committee's tables belong to the app's metadata)
    pack_tasks,  # noqa: F401  (the job the worker imports by name)
    pack_views,
    reminders,
    scoring_views,
    sessions_views,
    tracker_views,
)
from aap.core.domains import Domain

assert live_chair_views.bp is live_views.bp  # the chair's controls add their routes to the live meeting's blueprint

DOMAIN = Domain("committee", blueprints=(hub_views.bp, sessions_views.bp, agenda_views.bp, tracker_views.bp,
                                         live_views.bp, pack_views.bp, scoring_views.bp, minutes_views.bp),
                reminder_kinds=(reminders.send_session_reminder,),
                attachment_builders=convocation.ATTACHMENT_BUILDERS,
                sweeps=(("committee_reminders", reminders.plan_missing),))
