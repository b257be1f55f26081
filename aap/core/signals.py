"""Signals between domains, so that neither imports the other in both directions."""
from blinker import Namespace

_signals = Namespace()

#: a dossier was created (sender: the dossier)
dossier_started = _signals.signal("dossier-started")
#: a call's dates or state changed (sender: the call)
call_schedule_changed = _signals.signal("call-schedule-changed")
#: a workflow transition was applied (sender: the dossier; `workflow`, `transition` and `from_state` given)
transition_applied = _signals.signal("transition-applied")
#: strands are about to be removed from a call (sender: the call; `strands` given); a receiver answers
#: with the reason in French to refuse, or None
strands_removing = _signals.signal("strands-removing")
#: the admin list of calls asks how many dossiers each call has (sender: None); receivers answer {call_id: n}
dossier_counts_wanted = _signals.signal("dossier-counts-wanted")
#: `aap audit verify` checked a batch of chains (sender: None; `records` maps a dossier id to its records in
#: order); a receiver answers [(dossier_id, sequence, message)] for what it holds that no longer matches them
audit_chains_checked = _signals.signal("audit-chains-checked")
#: the dossier page asks what other domains show on it (sender: the dossier; `user` and `rights` given, the
#: access answer); a receiver answers a `DossierPanel`, or None when it has nothing for this person
dossier_panels_wanted = _signals.signal("dossier-panels-wanted")
#: pages where holders apply and staff instruct ask which organisations have a final report overdue (sender: None;
#: `organisation_ids` and `today` given); a receiver answers {organisation_id: [report…]} in one query, each report
#: with its dossier_id, reference, title and due_on
overdue_reports_wanted = _signals.signal("overdue-reports-wanted")
