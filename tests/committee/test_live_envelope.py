"""What an envelope leaves: plain numbers, no database."""
from decimal import Decimal

from aap.committee.envelope import Overrun, overruns, remaining_envelope


def test_the_remaining_envelope_takes_the_recommended_amounts_from_it():
    assert remaining_envelope(Decimal("40000"), [Decimal("12000"), Decimal("8000.50"), None]) == Decimal("19999.50")
    assert remaining_envelope(Decimal("40000"), []) == Decimal("40000")
    assert remaining_envelope(Decimal("10000"), [Decimal("12000")]) == Decimal("-2000")
    assert remaining_envelope(None, [Decimal("12000")]) is None


def test_an_amount_overruns_only_the_envelopes_it_goes_beyond():
    envelopes = [("strand", Decimal("20000"), [Decimal("15000")]), ("call", Decimal("100000"), [Decimal("15000")]),
                 ("other", None, [Decimal("1")])]
    assert overruns(Decimal("5000"), envelopes) == []
    assert overruns(Decimal("5000.01"), envelopes) == [
        Overrun(scope="strand", envelope=Decimal("20000"), remaining=Decimal("5000"), amount=Decimal("5000.01"))]
    assert [over.scope for over in overruns(Decimal("90000"), envelopes)] == ["strand", "call"]
