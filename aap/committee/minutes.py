"""The minutes' generated part, built from plain facts of a session, and read back for a page or a PDF.

Plain data in and out: no web framework, no database (an import contract says so). The content is JSON with keys,
not words (attendance, votes and recommendations are the keys of aap.committee.models), so that a fingerprint never
depends on the reader's language; amounts are decimal strings and times ISO 8601 in UTC.
"""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from aap.core.fingerprints import json_sha256

#: the version of the content's layout, so that a reader of old minutes knows what it holds
FORMAT = 1
#: the longest free text (introduction, observations) a version carries
MAX_TEXT = 20_000
IN_ROOM, REMOTE, ABSENT = "room", "remote", "absent"
FAVORABLE, UNFAVORABLE, ABSTENTION, POSTPONED = "favorable", "defavorable", "abstention", "ajourne"
VOTE_CHOICES = (FAVORABLE, UNFAVORABLE, ABSTENTION)
RECOMMENDATION_KEYS = (FAVORABLE, UNFAVORABLE, POSTPONED)
#: the totals' key of the items the committee gave no recommendation
NO_RECOMMENDATION = "none"


@dataclass(frozen=True)
class SessionFacts:
    id: int
    call: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    video_url: str
    state: str
    quorum: int
    present_at_opening: int | None
    quorum_met: bool | None
    opened_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class MemberFacts:
    name: str
    #: the stakeholder group of the call's pools, None when the person is in none of them
    group: str | None
    #: a key of ATTENDANCE, None when nobody recorded it
    attendance: str | None


@dataclass(frozen=True)
class ItemFacts:
    position: int
    reference: str
    title: str
    organisation: str
    strand: str | None
    #: the strand's place in the call, so that totals follow the call's order
    strand_position: int | None
    requested_amount: Decimal | None
    recused: tuple[str, ...] = ()
    #: choice → number of votes
    votes: dict = field(default_factory=dict)
    recommendation: str | None = None
    amount: Decimal | None = None
    postponed_to: str = ""
    notes: str = ""


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _amount(value: Decimal | None) -> str | None:
    return str(Decimal(value).quantize(Decimal("0.01"))) if value is not None else None


def build_content(session: SessionFacts, members: list[MemberFacts], chairs: list[str],
                  items: list[ItemFacts]) -> dict:
    """What the session recorded, in the minutes' JSON layout."""
    members = sorted(members, key=lambda member: member.name.casefold())
    items = sorted(items, key=lambda item: item.position)
    return {
        "format": FORMAT,
        "session": {"id": session.id, "call": session.call, "title": session.title,
                    "starts_at": _time(session.starts_at), "ends_at": _time(session.ends_at),
                    "place": session.place, "video_url": session.video_url, "state": session.state,
                    "opened_at": _time(session.opened_at), "closed_at": _time(session.closed_at)},
        "quorum": {"required": session.quorum, "present_at_opening": session.present_at_opening,
                   "met": session.quorum_met},
        "chairs": list(dict.fromkeys(chairs)),
        "members": [{"name": m.name, "group": m.group, "attendance": m.attendance} for m in members],
        "attendance": attendance_counts(members),
        "items": [_item(item) for item in items],
        "totals": totals(items),
    }


def attendance_counts(members: list[MemberFacts]) -> dict:
    counts = {IN_ROOM: 0, REMOTE: 0, ABSENT: 0, "unrecorded": 0}
    for member in members:
        counts[member.attendance if member.attendance in counts else "unrecorded"] += 1
    return {**counts, "present": counts[IN_ROOM] + counts[REMOTE], "members": len(members)}


def _item(item: ItemFacts) -> dict:
    return {"position": item.position, "reference": item.reference, "title": item.title,
            "organisation": item.organisation, "strand": item.strand,
            "requested_amount": _amount(item.requested_amount), "recused": sorted(item.recused, key=str.casefold),
            "votes": {choice: int(item.votes.get(choice, 0)) for choice in VOTE_CHOICES},
            "recommendation": item.recommendation,
            "amount": _amount(item.amount) if item.recommendation == FAVORABLE else None,
            "postponed_to": item.postponed_to if item.recommendation == POSTPONED else "", "notes": item.notes}


def totals(items: list[ItemFacts]) -> dict:
    """The amounts recommended (favorable opinions) per strand, in the call's order, and in all."""
    by_strand: dict = {}
    counts = dict.fromkeys((*RECOMMENDATION_KEYS, NO_RECOMMENDATION), 0)
    for item in items:
        counts[item.recommendation if item.recommendation in RECOMMENDATION_KEYS else NO_RECOMMENDATION] += 1
        key = (item.strand_position is None, item.strand_position or 0, item.strand or "")
        line = by_strand.setdefault(key, {"strand": item.strand, "amount": Decimal(0), "favorable": 0})
        if item.recommendation == FAVORABLE:
            line["amount"] += item.amount or Decimal(0)
            line["favorable"] += 1
    strands = [{**line, "amount": _amount(line["amount"])} for _key, line in sorted(by_strand.items())]
    total = sum((Decimal(line["amount"]) for line in strands), Decimal(0))
    return {"strands": strands, "amount": _amount(total), "recommendations": counts}


def fingerprint(content: dict, text: str, version: int, session_id: int) -> str:
    """sha256 of the canonical JSON of what a version says: its content, its text, its number and its session."""
    return json_sha256({"content": content, "text": text, "version": version, "session": session_id})


# Reading stored content back, for the page and the PDF: decimals and times again, nothing translated yet.

@dataclass(frozen=True)
class ReadItem:
    position: int
    reference: str
    title: str
    organisation: str
    strand: str | None
    requested_amount: Decimal | None
    recused: tuple[str, ...]
    votes: dict
    recommendation: str | None
    amount: Decimal | None
    postponed_to: str
    notes: str


@dataclass(frozen=True)
class ReadStrand:
    strand: str | None
    amount: Decimal
    favorable: int


@dataclass(frozen=True)
class Document:
    session: dict
    starts_at: datetime | None
    ends_at: datetime | None
    quorum: dict
    chairs: tuple[str, ...]
    members: tuple[dict, ...]
    attendance: dict
    items: tuple[ReadItem, ...]
    strands: tuple[ReadStrand, ...]
    total: Decimal
    recommendations: dict


def _decimal(text) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def _datetime(text) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def read(content: dict) -> Document:
    session, totals_ = content.get("session", {}), content.get("totals", {})
    items = tuple(ReadItem(item["position"], item["reference"], item["title"], item["organisation"], item["strand"],
                           _decimal(item["requested_amount"]), tuple(item["recused"]), dict(item["votes"]),
                           item["recommendation"], _decimal(item["amount"]), item["postponed_to"], item["notes"])
                  for item in content.get("items", ()))
    strands = tuple(ReadStrand(line["strand"], Decimal(line["amount"]), line["favorable"])
                    for line in totals_.get("strands", ()))
    return Document(session, _datetime(session.get("starts_at")), _datetime(session.get("ends_at")),
                    content.get("quorum", {}), tuple(content.get("chairs", ())), tuple(content.get("members", ())),
                    content.get("attendance", {}), items, strands, _decimal(totals_.get("amount")) or Decimal(0),
                    totals_.get("recommendations", {}))
