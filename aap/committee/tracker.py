"""The envelope tracker of a session, from plain data: what each strand had, what is proposed, what remains.

A dossier costs what the committee recommended for it (nothing when unfavourable or postponed) and, while it
waits for its turn, what it requested: the cumulative line then shows where the envelope runs out if the
dossiers still to come were funded in full, best score first. A trial amount for one dossier replaces its
cost, so that the chair sees what it would leave for the others before recording it.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from aap.committee.models import FAVORABLE


@dataclass(frozen=True)
class TrackedDossier:
    item_id: int
    dossier_id: int
    reference: str
    title: str
    strand: int | None
    requested: Decimal
    score: Decimal | None
    #: what the committee recommended, None while the dossier waits
    recommendation: str | None = None
    amount: Decimal | None = None

    @property
    def decided(self) -> bool:
        return self.recommendation is not None


@dataclass(frozen=True)
class TrackedLine:
    dossier: TrackedDossier
    #: what it costs the envelope: the amount recommended, the trial amount, or what it requested while waiting
    cost: Decimal
    cumulative: Decimal
    #: the cumulative cost passes what the envelope had for this session from this dossier on
    beyond: bool
    trial: bool = False


@dataclass(frozen=True)
class StrandTracker:
    strand: int | None
    #: None when the strand has no envelope of its own
    envelope: Decimal | None
    #: favourable amounts recommended for this strand by the call's other sessions
    committed_elsewhere: Decimal
    #: favourable amounts recommended in this session (the trial amount included)
    proposed: Decimal
    requested: Decimal
    #: requested by the dossiers still waiting, best score first
    still_to_come: Decimal
    lines: tuple[TrackedLine, ...]

    @property
    def available(self) -> Decimal | None:
        """What the envelope had left for this session when it opened."""
        return None if self.envelope is None else self.envelope - self.committed_elsewhere

    @property
    def remaining(self) -> Decimal | None:
        return None if self.envelope is None else self.available - self.proposed

    @property
    def oversubscription(self) -> Decimal | None:
        """Requested ÷ envelope, as the bilan will say it; None without an envelope."""
        if not self.envelope:
            return None
        return (self.requested / self.envelope).quantize(Decimal("0.01"))

    @property
    def cut(self) -> int | None:
        """The index of the first line past the envelope, where the tracker draws its line."""
        return next((index for index, line in enumerate(self.lines) if line.beyond), None)


@dataclass(frozen=True)
class Trial:
    item_id: int
    amount: Decimal


def cost(dossier: TrackedDossier, trial: Trial | None = None) -> tuple[Decimal, bool]:
    if trial is not None and trial.item_id == dossier.item_id:
        return trial.amount, True
    if dossier.decided:
        return (dossier.amount or Decimal(0)) if dossier.recommendation == FAVORABLE else Decimal(0), False
    return dossier.requested, False


def _order(dossier: TrackedDossier):
    """Decided dossiers first, in the order given (the agenda's: a stable sort keeps it); then best score first."""
    if dossier.decided:
        return (0, False, Decimal(0), "")
    return (1, dossier.score is None, -(dossier.score or 0), dossier.reference)


def track_strand(strand: int | None, envelope: Decimal | None, committed_elsewhere: Decimal,
                 dossiers: Iterable[TrackedDossier], trial: Trial | None = None) -> StrandTracker:
    ordered = sorted(dossiers, key=_order)
    available = None if envelope is None else envelope - committed_elsewhere
    lines, cumulative, proposed = [], Decimal(0), Decimal(0)
    for dossier in ordered:
        amount, tried = cost(dossier, trial)
        cumulative += amount
        if tried or (dossier.decided and dossier.recommendation == FAVORABLE):
            proposed += amount
        lines.append(TrackedLine(dossier, amount, cumulative, available is not None and cumulative > available, tried))
    waiting = sum((d.requested for d in ordered if not d.decided and not (trial and trial.item_id == d.item_id)),
                  Decimal(0))
    return StrandTracker(strand, envelope, committed_elsewhere, proposed, sum((d.requested for d in ordered),
                                                                             Decimal(0)), waiting, tuple(lines))


@dataclass(frozen=True)
class SessionTracker:
    strands: tuple[StrandTracker, ...]
    #: the call's total envelope, or the sum of its strands' when it has none of its own
    total_envelope: Decimal | None

    @property
    def proposed(self) -> Decimal:
        return sum((strand.proposed for strand in self.strands), Decimal(0))

    @property
    def committed_elsewhere(self) -> Decimal:
        return sum((strand.committed_elsewhere for strand in self.strands), Decimal(0))

    @property
    def requested(self) -> Decimal:
        return sum((strand.requested for strand in self.strands), Decimal(0))

    @property
    def remaining(self) -> Decimal | None:
        if self.total_envelope is None:
            return None
        return self.total_envelope - self.committed_elsewhere - self.proposed

    @property
    def oversubscription(self) -> Decimal | None:
        if not self.total_envelope:
            return None
        return (self.requested / self.total_envelope).quantize(Decimal("0.01"))


def track_session(strand_envelopes: Mapping[int | None, Decimal | None], total_envelope: Decimal | None,
                  committed_elsewhere: Mapping[int | None, Decimal], dossiers: Iterable[TrackedDossier],
                  trial: Trial | None = None) -> SessionTracker:
    """One tracker per strand in the order of `strand_envelopes` (strands without dossiers included)."""
    by_strand: dict[int | None, list[TrackedDossier]] = {strand: [] for strand in strand_envelopes}
    for dossier in dossiers:
        by_strand.setdefault(dossier.strand, []).append(dossier)
    strands = tuple(track_strand(strand, strand_envelopes.get(strand), committed_elsewhere.get(strand, Decimal(0)),
                                 members, trial) for strand, members in by_strand.items())
    if total_envelope is None and strand_envelopes and all(v is not None for v in strand_envelopes.values()):
        total_envelope = sum(strand_envelopes.values(), Decimal(0))
    return SessionTracker(strands, total_envelope)
