"""What the assignment page shows, read in a constant number of queries: the rows per dossier and per reviewer."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _

from aap.dossiers.reviewers import DECLINED
from aap.review.assignment import GROUP_LABELS
from aap.review.assignment_queries import inputs_of, latest_run, submitted_review_pairs
from aap.review.assignment_runs import DONE
from aap.review.group_names import group_label
from aap.review.texts import Text

#: the job names the groups in French inside its reasons; the page names them in the reader's language
_GROUP_OF_LABEL = {str(label): key for key, label in GROUP_LABELS.items()}


def translated(encoded: dict | None) -> str | None:
    if encoded is None:
        return None
    values = dict(encoded["values"])
    if isinstance(values.get("groups"), str):
        values["groups"] = ", ".join(group_label(_GROUP_OF_LABEL[label]) if label in _GROUP_OF_LABEL else label
                                     for label in values["groups"].split(", "))
    return Text(encoded["msgid"], **values).translated(_)


@dataclass
class DossierRow:
    dossier: object
    assigned: list = field(default_factory=list)  # Assignment rows, with `removable`
    proposed: list = field(default_factory=list)  # pool members proposed by the run
    reasons: list = field(default_factory=list)  # the run's shortfall reasons, translated
    missing_reviews: int = 0
    missing_groups: int = 0


@dataclass
class ReviewerRow:
    member: object
    group: str
    current: int
    proposed: int

    @property
    def total(self) -> int:
        return self.current + self.proposed


@dataclass
class Preview:
    call: object
    run: object
    dossiers: list
    pool: list
    rows: list
    loads: list
    dropped: list
    stale: bool
    removable: set

    @property
    def proposal(self) -> bool:
        """A computed proposal still to confirm."""
        return self.run is not None and self.run.state == DONE and self.run.confirmed_at is None

    @property
    def short_rows(self) -> list:
        return [row for row in self.rows if row.missing_reviews or row.missing_groups]

    def group_of(self, user_id: int) -> str:
        member = next((m for m in self.pool if m.user_id == user_id), None)
        return group_label(member.group) if member is not None else _("hors vivier")

    @staticmethod
    def dossier_label(dossier) -> str:
        return f"{dossier.reference or dossier.id} — {dossier.title or _('Projet sans titre')}"


def preview(call) -> Preview:
    inputs, run = inputs_of(call), latest_run(call)
    members = {member.user_id: member for member in inputs.pool}
    proposal = run.proposal if run is not None and run.state == DONE and run.confirmed_at is None else {}
    rows = {dossier.id: DossierRow(dossier) for dossier in inputs.dossiers}
    done = submitted_review_pairs(call)
    removable = set()
    for assignment in inputs.assignments:
        if assignment.dossier_id in rows:
            rows[assignment.dossier_id].assigned.append(assignment)
            if assignment.state != DECLINED and (assignment.user_id, assignment.dossier_id) not in done \
                    and assignment.state == "assigned":
                removable.add(assignment.id)
    for user_id, dossier_id in proposal.get("added", []):
        if dossier_id in rows and user_id in members:
            rows[dossier_id].proposed.append(members[user_id])
    for shortfall in proposal.get("shortfalls", []):
        if shortfall["dossier"] in rows:
            rows[shortfall["dossier"]].reasons = [translated(reason) for reason in shortfall["reasons"]]
    _count_missing(call, rows, members)
    return Preview(call, run, inputs.dossiers, inputs.pool, list(rows.values()),
                   _loads(inputs, proposal, members), _dropped(proposal, inputs.assignments, rows),
                   bool(proposal) and inputs.fingerprint != run.fingerprint, removable)


def _count_missing(call, rows: dict, members: dict) -> None:
    """What each dossier lacks once the proposal as it stands now (changes by hand included) is confirmed."""
    for row in rows.values():
        active = [a for a in row.assigned if a.state != DECLINED and a.user_id in members]
        groups = {members[a.user_id].group for a in active} | {m.group for m in row.proposed}
        row.missing_reviews = max(0, call.reviews_per_dossier - len(active) - len(row.proposed))
        row.missing_groups = max(0, call.groups_per_dossier - len(groups))


def _loads(inputs, proposal: dict, members: dict) -> list[ReviewerRow]:
    current = Counter(a.user_id for a in inputs.assignments if a.state != DECLINED)
    proposed = Counter(user_id for user_id, _dossier in proposal.get("added", []))
    return [ReviewerRow(member, group_label(member.group), current[member.user_id], proposed[member.user_id])
            for member in inputs.pool]


def _dropped(proposal: dict, assignments: list, rows: dict) -> list[dict]:
    names = defaultdict(lambda: _("Personne retirée du vivier"))
    names.update({assignment.user_id: assignment.user.display_name for assignment in assignments})
    return [{"name": names[item["reviewer"]], "dossier": rows[item["dossier"]].dossier if item["dossier"] in rows
             else None, "dossier_id": item["dossier"], "reason": translated(item["reason"])}
            for item in proposal.get("dropped", [])]
