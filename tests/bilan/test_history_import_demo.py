"""The demo's fifteen editions: 2021 entered in the application, 2007 to 2020 brought by the import of past editions."""
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from aap.bilan.figures import snapshot
from aap.bilan.history_marks import imported_call_ids
from aap.bilan.models import HistoryImport
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.decisions.models import Decision
from aap.demo import load_demo
from aap.demo_history import envelope_of
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.identifiers import is_valid_siret
from aap.organisations.models import Organisation
from aap.workflow.audit import verify_all
from tests.bilan.history_world import run

EXAMPLE = Path(__file__).resolve().parents[2] / "aap" / "data" / "historique-exemple.csv"


def editions() -> list[Call]:
    return list(db.session.execute(select(Call).where(Call.edition.is_not(None), Call.year <= 2021)
                                   .order_by(Call.year)).scalars())


def funded_strands() -> dict[int, list[tuple[int, str]]]:
    """Each organisation's funded applications: (year, strand) in year order."""
    paths = defaultdict(list)
    rows = db.session.execute(
        select(Dossier.organisation_id, Call.year, Dossier.strand_id, Dossier.call_id)
        .join(Call, Call.id == Dossier.call_id).join(Decision, Decision.dossier_id == Dossier.id)
        .where(Decision.outcome == "granted", Decision.released_at.is_not(None)).order_by(Call.year))
    names = {strand.id: strand.name for call in editions() for strand in call.strands}
    for organisation_id, year, strand_id, _call_id in rows:
        paths[organisation_id].append((year, names.get(strand_id)))
    return paths


def test_the_demo_loads_fifteen_editions_whose_budget_grew_from_15_000_to_120_000(app, session, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    calls = editions()
    assert [(call.year, call.edition) for call in calls] == [(year, year - 2006) for year in range(2007, 2022)]
    assert calls[0].total_envelope == Decimal(15000) and calls[-1].total_envelope == Decimal(120000)
    assert [call.total_envelope for call in calls] == sorted(call.total_envelope for call in calls)
    assert [call.total_envelope for call in calls[:-1]] == [envelope_of(year) for year in range(2007, 2021)]
    imported = imported_call_ids([call.id for call in calls])
    assert imported == {call.id for call in calls[:-1]} and all(call.state == "archived" for call in calls[:-1])
    for call in calls[:-1]:
        received = db.session.execute(select(func.count()).where(Dossier.call_id == call.id)).scalar_one()
        funded = db.session.execute(select(func.count()).select_from(Decision).join(Dossier).where(
            Dossier.call_id == call.id, Decision.outcome == "granted")).scalar_one()
        granted = db.session.execute(select(func.sum(Decision.amount)).join(Dossier).where(
            Dossier.call_id == call.id, Decision.outcome == "granted")).scalar_one()
        assert 20 <= received <= 45 and 0.2 <= funded / received <= 0.5 and granted <= call.total_envelope
        assert snapshot(call, utcnow())["call"]["in_progress"] is False
        names = [strand.name for strand in call.strands]
        assert names == [name for name in ("Création", "Développement", "Coopération") if name in names]
    assert all(len(call.strands) == 3 for call in calls[3:])
    assert verify_all()[1] == []


def test_the_demo_s_structures_come_back_from_creation_to_cooperation(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    paths = funded_strands()
    several = [path for path in paths.values() if len({year for year, _strand in path}) >= 2]
    assert len(several) >= 10
    assert sum(1 for path in several if [s for _y, s in path][:3] == ["Création", "Développement", "Coopération"]) >= 3
    assert any(path[-1][0] == 2021 for path in several)  # the 2021 edition supports structures it knew before
    pierrefitte = db.session.execute(select(func.count()).select_from(Dossier).join(Organisation).join(
        Call, Call.id == Dossier.call_id).where(Organisation.commune_insee == "93059", Call.year < 2021)).scalar_one()
    assert pierrefitte > 0
    consents = db.session.execute(select(func.count()).select_from(Dossier).where(
        Dossier.publication_consent.is_(True), Dossier.public_summary != "")).scalar_one()
    assert consents > 50
    assert all(is_valid_siret(o.siret) for o in db.session.execute(select(Organisation)).scalars() if o.siret)


def test_the_demo_loads_its_past_once_and_the_example_file_adds_to_its_editions(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    counts = [db.session.execute(select(func.count()).select_from(model)).scalar_one()
              for model in (Call, Organisation, Dossier, HistoryImport)]
    load_demo()
    assert [db.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Call, Organisation, Dossier, HistoryImport)] == counts
    example = run(EXAMPLE.read_bytes(), name="historique-exemple.csv")
    assert example.problems == [] and example.record.created["calls"] == 0
    assert example.record.created["dossiers"] == 12


def test_the_demo_publishes_the_bilan_of_its_2021_edition_once(app, session, tmp_path, monkeypatch, client):
    from aap.bilan.models import BilanVersion

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    load_demo()
    [version] = db.session.execute(select(BilanVersion)).scalars().all()
    frozen = version.snapshot
    assert (frozen["call"]["year"], frozen["call"]["awaiting"], frozen["call"]["in_progress"]) == (2021, 0, False)
    assert frozen["funnel"]["funded"] == 15 and len(frozen["trends"]) == 15
    assert frozen["paths"]["several_times"] >= 10
    page = client.get(f"/bilans/{version.bilan.call_id}/v1")
    assert page.status_code == 200 and "quinzième édition" in page.text
    assert "Toutes les éditions, par commune" in page.text and "Pierrefitte" not in page.text.split(
        "Toutes les éditions, par commune")[1].split("</table>")[0]  # merged into Saint-Denis today
