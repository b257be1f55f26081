"""Signals between domains, so that neither imports the other in both directions."""
from blinker import Namespace

_signals = Namespace()

#: a dossier was created (sender: the dossier)
dossier_started = _signals.signal("dossier-started")
#: a call's dates or state changed (sender: the call)
call_schedule_changed = _signals.signal("call-schedule-changed")
#: a workflow transition was applied (sender: the dossier; `workflow` and `transition` given)
transition_applied = _signals.signal("transition-applied")
