"""The minutes' generated part: plain facts in, JSON out, the same fingerprint whatever the order of its keys."""
import json
from datetime import datetime, timezone
from decimal import Decimal

from aap.committee import minutes
from aap.committee.models import ATTENDANCE, RECOMMENDATIONS, VOTES


def test_the_content_is_plain_data_built_from_plain_facts():
    start = datetime(2026, 3, 12, 13, 0, tzinfo=timezone.utc)
    facts = minutes.SessionFacts(7, "Appel ESS (2026)", "Comité", start, start, "Salle", "", "closed", 2, 1, False,
                                 start, start)
    items = [minutes.ItemFacts(2, "AAP-2", "B", "Org B", "Développement", 1, Decimal("9000"),
                               votes={"favorable": 1}, recommendation="favorable", amount=Decimal("4000.5")),
             minutes.ItemFacts(1, "AAP-1", "A", "Org A", "Création", 0, Decimal("10000"), recused=("Zoé", "Ali"),
                               recommendation="favorable", amount=Decimal("6000")),
             minutes.ItemFacts(3, "AAP-3", "C", "Org C", None, None, None, recommendation=None)]
    members = [minutes.MemberFacts("Bruno", "banks", "remote"), minutes.MemberFacts("alice", None, None)]
    content = minutes.build_content(facts, members, ["Alice", "Alice", "Bruno"], items)
    assert json.loads(json.dumps(content)) == content  # JSON as it is stored
    assert [item["reference"] for item in content["items"]] == ["AAP-1", "AAP-2", "AAP-3"]
    assert content["items"][0]["recused"] == ["Ali", "Zoé"]
    assert content["items"][1]["votes"] == {"favorable": 1, "defavorable": 0, "abstention": 0}
    assert [m["name"] for m in content["members"]] == ["alice", "Bruno"]
    assert content["attendance"] == {"room": 0, "remote": 1, "absent": 0, "unrecorded": 1, "present": 1, "members": 2}
    assert content["quorum"] == {"required": 2, "present_at_opening": 1, "met": False}
    assert content["chairs"] == ["Alice", "Bruno"]
    assert content["totals"]["strands"] == [
        {"strand": "Création", "amount": "6000.00", "favorable": 1},
        {"strand": "Développement", "amount": "4000.50", "favorable": 1},
        {"strand": None, "amount": "0.00", "favorable": 0}]
    assert content["totals"]["amount"] == "10000.50"
    assert content["totals"]["recommendations"] == {"favorable": 2, "defavorable": 0, "ajourne": 0, "none": 1}
    reordered = json.loads(json.dumps(content, sort_keys=True))
    assert minutes.fingerprint(reordered, "t", 1, 7) == minutes.fingerprint(content, "t", 1, 7)
    assert minutes.fingerprint(content, "t", 2, 7) != minutes.fingerprint(content, "t", 1, 7)
    assert minutes.read(content).total == Decimal("10000.50")


def test_the_pure_module_names_the_models_keys():
    assert set(minutes.VOTE_CHOICES) == set(VOTES)
    assert set(minutes.RECOMMENDATION_KEYS) == set(RECOMMENDATIONS)
    assert {minutes.IN_ROOM, minutes.REMOTE, minutes.ABSENT} == set(ATTENDANCE)
