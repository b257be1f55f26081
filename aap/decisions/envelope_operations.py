"""Changing an envelope: the only way past one, with its reason kept; never below what is already granted."""
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from aap.core.formatting import money
from aap.decisions import envelopes
from aap.decisions.instruments import InstrumentRefused, euros
from aap.decisions.models import EnvelopeChange
from aap.decisions.operations import DecisionRefused
from aap.extensions import db

MAX_REASON = 2000


def change_envelope(call, funder, strand, amount_text: str, reason: str, user, now: datetime) -> EnvelopeChange:
    """Set the envelope of the call (strand None), of one of its strands, or of a co-funder; audited with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DecisionRefused(_("Donnez le motif du changement d'enveloppe (par exemple la délibération qui l'a "
                                "décidé) : il est conservé."), "reason")
    if len(reason) > MAX_REASON:
        raise DecisionRefused(_("Le motif dépasse %(n)d caractères.", n=MAX_REASON), "reason")
    try:
        amount = euros(amount_text, "amount")
    except InstrumentRefused as refused:
        raise DecisionRefused(refused.message, "amount") from None
    envelopes.lock(call, funder)
    granted = _granted_on(call, funder, strand)
    if amount < granted:
        raise DecisionRefused(_("%(amount)s est moins que ce qui est déjà accordé sur cette enveloppe (%(granted)s, "
                                "décisions préparées comprises) : retirez d'abord des décisions.",
                                amount=money(amount), granted=money(granted)), "amount")
    target = funder if funder is not None else (strand if strand is not None else call)
    attribute = "envelope" if target is not call else "total_envelope"
    change = EnvelopeChange(call_id=call.id, funder_id=funder.id if funder else None,
                            strand_id=strand.id if strand else None, previous=getattr(target, attribute), new=amount,
                            reason=reason, changed_by_id=user.id, changed_at=now)
    setattr(target, attribute, amount)
    db.session.add(change)
    db.session.flush()
    return change


def _granted_on(call, funder, strand) -> Decimal:
    by_strand = envelopes.drawn(call.id, funder.id if funder is not None else None)
    if strand is not None:
        return by_strand.get(strand.id, Decimal(0))
    return sum(by_strand.values(), Decimal(0))
