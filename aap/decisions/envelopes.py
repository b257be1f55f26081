"""What each envelope holds and what decisions already draw on it, and the lock that keeps them within it.

Staged decisions draw on an envelope as released ones do: releasing them must never be what breaks it.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from aap.calls.models import Call, Strand
from aap.core.formatting import money
from aap.decisions.models import GRANTED, Decision, Funder
from aap.dossiers.models import Dossier
from aap.extensions import db


@dataclass(frozen=True)
class Envelope:
    """One envelope: the call's total, one of its strands', or a co-funder's."""

    label: str
    amount: Decimal | None
    committed: Decimal
    #: the strand it covers, None for a total
    strand_id: int | None = None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.amount is None else self.amount - self.committed


def lock(call: Call, funder: Funder | None) -> None:
    """Serialise the decisions drawn on one funder's envelopes, until the commit.

    On PostgreSQL the row lock makes a second decider wait, then read the first one's decision. SQLite has one
    writer at a time: a transaction that read the sums before another one wrote is refused its own write.
    """
    model, key = (Call, call.id) if funder is None else (Funder, funder.id)
    db.session.execute(select(model.id).where(model.id == key).with_for_update())


def drawn(call_id: int, funder_id: int | None, excluding: int | None = None) -> dict[int | None, Decimal]:
    """What the funder's decisions (staged or released) grant on the call, by strand."""
    query = (select(Dossier.strand_id, func.coalesce(func.sum(Decision.amount), 0))
             .join(Dossier, Dossier.id == Decision.dossier_id)
             .where(Dossier.call_id == call_id, Decision.outcome == GRANTED, Decision.superseded.is_(False),
                    Decision.funder_id.is_(None) if funder_id is None else Decision.funder_id == funder_id)
             .group_by(Dossier.strand_id))
    if excluding is not None:
        query = query.where(Decision.id != excluding)
    return {strand_id: Decimal(total) for strand_id, total in db.session.execute(query)}


def envelopes(call: Call, funder: Funder | None, excluding: int | None = None) -> list[Envelope]:
    """The funder's envelopes with what they hold and what is drawn on them: the total first, then each strand."""
    by_strand = drawn(call.id, funder.id if funder is not None else None, excluding)
    total = sum(by_strand.values(), Decimal(0))
    if funder is not None:
        return [Envelope(funder.name, funder.envelope, total)]
    found = [Envelope(_("Enveloppe de l'appel"), call.total_envelope, total)]
    found += [Envelope(_("Volet « %(name)s »", name=strand.name), strand.envelope, by_strand.get(strand.id, Decimal(0)),
                       strand.id) for strand in call.strands if strand.envelope is not None]
    return found


def overrun_messages(call: Call, funder: Funder | None, strand_id: int | None, amount: Decimal,
                     excluding: int | None = None) -> list[str]:
    """Why `amount` cannot be granted within the envelopes, in words; empty when it fits."""
    found = []
    for envelope in envelopes(call, funder, excluding):
        if envelope.strand_id not in (None, strand_id):
            continue
        if envelope.amount is None and envelope.strand_id is None:
            found.append(_("Aucune enveloppe n'est fixée pour %(label)s : fixez-la avant d'accorder un montant.",
                           label=envelope.label))
        elif envelope.remaining is not None and amount > envelope.remaining:
            found.append(_("%(amount)s dépasse ce qui reste de %(label)s : %(remaining)s sur %(envelope)s. "
                           "Pour aller au-delà, modifiez l'enveloppe en donnant le motif.", amount=money(amount),
                           label=envelope.label, remaining=money(envelope.remaining), envelope=money(envelope.amount)))
    return found


def strand_of(strand_id: int | None) -> Strand | None:
    return db.session.get(Strand, strand_id) if strand_id is not None else None
