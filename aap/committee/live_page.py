"""What the live page shows one person: the current item as their rights allow, the votes, the chair's controls."""
from dataclasses import dataclass, field
from decimal import Decimal

from aap.committee import live_queries as queries
from aap.committee.access import SessionAccess, scoring_refusal, session_access
from aap.committee.envelope import remaining_envelope
from aap.committee.models import ABSENT, OPEN, AgendaItem, CommitteeSession, SessionMember, Vote
from aap.dossiers.access import access


@dataclass
class CurrentItem:
    item: AgendaItem
    #: 1-based place in the agenda
    number: int
    #: the person is set aside from this dossier: they see that, and nothing of it
    recused: bool
    standing: object = None
    read_answers: bool = False
    identity_hidden: bool = False
    cast: list[Vote] = field(default_factory=list)
    own_vote: Vote | None = None
    #: members who may vote on it: convened, not absent, not recused
    voters: int = 0
    #: the convened members set aside from it
    aside: set[int] = field(default_factory=set)
    #: what remains of the strand's and the call's envelopes, this item's own amount left out (None: no envelope)
    strand_remaining: Decimal | None = None
    call_remaining: Decimal | None = None

    @property
    def tally(self):
        return queries.tally(self.cast)


@dataclass
class LivePage:
    meeting: CommitteeSession
    rights: SessionAccess
    items: list[AgendaItem]
    members: list[SessionMember]
    member: SessionMember | None
    recused_dossiers: set[int]
    current: CurrentItem | None
    present: int
    candidates: list = field(default_factory=list)
    #: where the call says so, the member may score the current item (aap.committee.access.scoring_refusal)
    may_score: bool = False

    @property
    def sees_votes(self) -> bool:
        """Who voted what: the staff and the chair."""
        return self.rights.manage or self.rights.chair

    @property
    def may_vote(self) -> bool:
        current = self.current
        return (self.meeting.state == OPEN and current is not None and not current.recused
                and self.member is not None and self.member.attendance != ABSENT and current.own_vote is None)

    @property
    def sees_totals(self) -> bool:
        current = self.current
        return current is not None and not current.recused and (self.sees_votes or current.own_vote is not None)

    @property
    def missing(self) -> list[AgendaItem]:
        return [item for item in self.items if item.recommendation is None]

    def votes_by_member(self) -> dict[int, Vote]:
        return {vote.user_id: vote for vote in self.current.cast} if self.current else {}


def live_page(meeting: CommitteeSession, user) -> LivePage:
    rights = session_access(user, meeting)
    items = queries.agenda(meeting)
    convened = queries.members(meeting)
    member = next((m for m in convened if m.user_id == user.id), None)
    recused = queries.recused_dossiers(user, items)
    current = next((item for item in items if item.id == meeting.current_item_id), None)
    page = LivePage(meeting=meeting, rights=rights, items=items, members=convened, member=member,
                    recused_dossiers=recused, current=None,
                    present=sum(1 for m in convened if m.attendance in queries.PRESENT))
    if current is not None:
        page.current = _current(user, current, items.index(current) + 1, convened, recused)
        if rights.chair and not page.current.recused:
            _envelopes(meeting, current, page.current)
        page.may_score = meeting.call.scores_in_session and scoring_refusal(user, meeting, current) is None
    if rights.chair and meeting.state == OPEN:
        page.candidates = queries.chair_candidates(meeting, convened)
    return page


def _current(user, item: AgendaItem, number: int, convened, recused: set[int]) -> CurrentItem:
    recorded = queries.recused_ids(item)
    if item.dossier_id in recused or user.id in recorded:
        return CurrentItem(item=item, number=number, recused=True)
    rights = access(user, item.dossier)
    cast = queries.votes(item)
    aside = recorded | queries.stepping_aside([m.user for m in convened if m.user_id not in recorded], item.dossier)
    return CurrentItem(item=item, number=number, recused=False, standing=queries.standing(item.dossier_id),
                       read_answers=rights.read_answers, identity_hidden=rights.identity_hidden, cast=cast,
                       own_vote=next((vote for vote in cast if vote.user_id == user.id), None),
                       voters=sum(1 for m in convened if m.attendance != ABSENT and m.user_id not in aside),
                       aside=aside)


def _envelopes(meeting: CommitteeSession, item: AgendaItem, current: CurrentItem) -> None:
    others = queries.favorable_amounts(meeting.call_id, item.id)
    strand = item.dossier.strand
    if strand is not None:
        current.strand_remaining = remaining_envelope(strand.envelope, [a for key, a in others if key == strand.id])
    current.call_remaining = remaining_envelope(meeting.call.total_envelope, [amount for _key, amount in others])
