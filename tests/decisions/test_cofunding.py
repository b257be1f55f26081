"""Co-funding on the joint instruction: each co-funder decides its share on its pages, the authority's decision last."""
import re
from decimal import Decimal

import pytest

from aap.decisions.models import Decision
from aap.extensions import db
from tests import factories
from tests.decisions.world import cofunder, deciding_call, eur, posted, waiting_dossier


@pytest.fixture
def joint(session):
    """A 40,000 € project asking 10,000 € of the call, at the co-funders' decisions; the Région and the Département
    each with its envelope and its decider; an instructor of the lead authority."""
    call = deciding_call(workflow="instruction-conjointe", title="Appel cofinancement conjoint")
    region_decider = factories.make_user(email="region.cofunding@example.org", totp=True)
    departement_decider = factories.make_user(email="departement.cofunding@example.org", totp=True)
    return {"call": call, "dossier": waiting_dossier(call, state="funders_deciding"),
            "region": cofunder(call, "Région Île-de-France", "12000", deciders=[region_decider]),
            "departement": cofunder(call, "Département de la Seine-Saint-Denis", "50000",
                                    deciders=[departement_decider]),
            "region_decider": region_decider, "departement_decider": departement_decider,
            "instructor": factories.make_user(email="instructeur.cofunding@example.org", roles=("instructor",),
                                              totp=True)}


def page(dossier, funder=None) -> str:
    return f"/decisions/dossiers/{dossier.id}" + (f"?financeur={funder.id}" if funder is not None else "")


def publish(client, call, funder=None):
    query = f"?financeur={funder.id}" if funder is not None else ""
    return client.post(f"/decisions/appels/{call.id}/publier{query}", data={"confirm": "y"}, follow_redirects=True)


def decision_of(dossier, funder=None) -> Decision:
    db.session.expire_all()
    return db.session.execute(db.select(Decision).where(
        Decision.dossier_id == dossier.id,
        Decision.funder_id.is_(None) if funder is None else Decision.funder_id == funder.id)).scalar_one()


def state_of(dossier) -> str:
    db.session.refresh(dossier)
    return dossier.state


def test_a_cofunders_decider_reaches_only_its_own_funders_decision(client, joint):
    dossier = joint["dossier"]
    for decider, own, other in (("region_decider", "region", "departement"),
                                ("departement_decider", "departement", "region")):
        client.login(joint[decider])
        assert client.get(page(dossier, joint[own])).status_code == 200
        assert client.get(page(dossier, joint[other])).status_code == 404
        assert client.post(page(dossier, joint[other]), data=posted("1000")).status_code == 404
        assert client.get(page(dossier)).status_code == 404  # the authority's is not theirs either
        assert client.post(page(dossier), data=posted("1000")).status_code == 404
    assert db.session.execute(db.select(Decision).where(Decision.dossier_id == dossier.id)).scalars().all() == []


def test_a_cofunder_is_held_to_its_envelope_and_to_what_the_budget_leaves(client, joint):
    dossier = joint["dossier"]
    client.login(joint["instructor"])
    assert client.post(page(dossier), data=posted("10000")).status_code == 302
    client.login(joint["region_decider"])
    beyond = client.post(page(dossier, joint["region"]), data=posted("13000"))
    assert beyond.status_code == 400
    assert (f"{eur('13000')} dépasse ce qui reste de Région Île-de-France : {eur('12000')} sur {eur('12000')}"
            in beyond.page)
    assert client.post(page(dossier, joint["region"]), data=posted("12000")).status_code == 302
    client.login(joint["departement_decider"])
    over_budget = client.post(page(dossier, joint["departement"]), data=posted("20000"))
    assert over_budget.status_code == 400
    assert ("dépasse ce que le budget du projet laisse une fois comptées les autres aides (" + eur("18000") + ")"
            in over_budget.page)
    assert client.post(page(dossier, joint["departement"]), data=posted("18000")).status_code == 302
    assert decision_of(dossier, joint["departement"]).amount == Decimal("18000")


def test_the_authority_decides_last_and_only_its_release_moves_the_dossier(client, joint):
    call, dossier = joint["call"], joint["dossier"]
    client.login(joint["instructor"])
    client.post(page(dossier), data=posted("10000"))
    early = publish(client, call)
    assert early.status_code == 200
    assert (f"Restée préparée : {dossier.reference} : Décisions des cofinanceurs encore attendues : Région "
            "Île-de-France, Département de la Seine-Saint-Denis.") in early.page
    assert decision_of(dossier).released_at is None and state_of(dossier) == "funders_deciding"

    client.login(joint["region_decider"])
    client.post(page(dossier, joint["region"]), data=posted("12000"))
    assert "1 décision publiée" in publish(client, call, joint["region"]).page
    assert decision_of(dossier, joint["region"]).released_at is not None
    assert state_of(dossier) == "funders_deciding"  # a co-funder's release does not move the dossier

    client.login(joint["instructor"])
    still = publish(client, call)
    assert "Décision du cofinanceur encore attendue : Département de la Seine-Saint-Denis." in still.page
    assert decision_of(dossier).released_at is None

    client.login(joint["departement_decider"])
    client.post(page(dossier, joint["departement"]), data=posted("8000"))
    publish(client, call, joint["departement"])
    assert state_of(dossier) == "funders_deciding"

    client.login(joint["instructor"])
    assert "1 décision publiée" in publish(client, call).page
    assert decision_of(dossier).released_at is not None and state_of(dossier) == "decided"


def test_the_dossier_page_shows_the_funding_plan_of_every_funder(client, joint):
    call, dossier = joint["call"], joint["dossier"]
    for person, funder, amount in (("region_decider", "region", "12000"),
                                   ("departement_decider", "departement", "8000"), ("instructor", None, "9000")):
        client.login(joint[person])
        client.post(page(dossier, joint[funder] if funder else None), data=posted(amount))
        assert "1 décision publiée" in publish(client, call, joint[funder] if funder else None).page
    assert state_of(dossier) == "decided"
    shown = client.get(f"/dossiers/{dossier.id}").page
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>.*?<td class="number">([^<]+)</td>', shown, re.S))
    assert rows == {"Région Île-de-France": eur("12000"), "Département de la Seine-Saint-Denis": eur("8000"),
                    "Plaine Commune": eur("9000")}
    plan = dict(re.findall(r"<dt>([^<]+)(?:<span[^>]*>[^<]*</span>)?</dt><dd>([^<(]+)", shown))
    assert plan["Budget du projet"].strip() == eur("40000")
    assert plan["Accordé, tous financeurs "].strip() == eur("29000")
    assert plan["Reste à financer"].strip() == eur("11000")
