import re
import shutil
from pathlib import Path

import pytest

from aap.dossiers import migration
from aap.extensions import db
from aap.workflow import engine, operations
from aap.workflow.models import AuditRecord, WorkflowMigration
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_VERSION = int(re.search(r"^version: (\d+)$", (ROOT / "workflows" / "plaine-commune.yaml").read_text(),
                                re.M).group(1))


@pytest.fixture
def editable_workflows(app, tmp_path):
    folder = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", folder)
    app.config["WORKFLOWS_FOLDER"] = str(folder)
    yield folder
    app.config.pop("WORKFLOWS_FOLDER")


def rename_state(folder: Path, old: str, new: str):
    """Rename a state in the copy of plaine-commune.yaml and bump its version, as an author would."""
    path = folder / "plaine-commune.yaml"
    text = re.sub(rf"\b{old}\b", new, path.read_text())
    path.write_text(re.sub(r"^version: (\d+)$", lambda m: f"version: {int(m.group(1)) + 1}", text, flags=re.M))


def test_editing_the_file_never_strands_a_dossier_in_flight(world, editable_workflows):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    db.session.commit()
    rename_state(editable_workflows, "submitted", "received")
    assert dossier.workflow_version.version == SHIPPED_VERSION
    engine.apply_transition(dossier.id, "declare_eligible", world.instructor)
    db.session.commit()
    assert dossier.state == "in_review"


def test_the_same_file_is_pinned_once(world):
    other = factories.make_open_call(title="Autre édition")
    assert other.workflow_version_id == world.call.workflow_version_id


def test_migration_maps_states_and_is_audited(world, editable_workflows, client):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    draft = factories.make_dossier(world.call, world.organisation, world.holder)
    db.session.commit()
    rename_state(editable_workflows, "submitted", "received")
    client.login(world.admin)
    page = client.get(f"/admin/appels/{world.call.id}/migration")
    assert page.status_code == 200 and "Déposé — 1 dossier" in page.page
    refused = client.post(f"/admin/appels/{world.call.id}/migration", data={"map-draft": "draft"})
    assert refused.status_code == 400
    assert "L'état « submitted » (1 dossier) n'a pas d'état d'arrivée." in refused.page
    assert dossier.workflow_version.version == SHIPPED_VERSION
    done = client.post(f"/admin/appels/{world.call.id}/migration",
                       data={"map-draft": "draft", "map-submitted": "received"})
    assert done.status_code == 302
    db.session.expire_all()
    new = SHIPPED_VERSION + 1
    assert (dossier.state, dossier.workflow_version.version, draft.workflow_version.version) == ("received", new, new)
    last = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                              .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert (last.transition, last.from_state, last.to_state) == ("migrate", "submitted", "received")
    assert last.payload == {"from_version": f"plaine-commune v{SHIPPED_VERSION}", "to_version": f"plaine-commune v{new}"}
    migration = db.session.execute(db.select(WorkflowMigration)).scalar_one()
    assert migration.mapping == {"draft": "draft", "submitted": "received"} and migration.dossier_count == 2
    engine.apply_transition(dossier.id, "declare_eligible", world.instructor)


def test_a_mapping_to_an_unknown_state_is_refused(world, editable_workflows):
    factories.make_dossier(world.call, world.organisation, world.holder)
    rename_state(editable_workflows, "submitted", "received")
    target = operations.pin_version(operations.load_named("plaine-commune"))
    assert migration.migration_problems(world.call, target, {"draft": "brouillon"}) == [
        f"L'état d'arrivée « brouillon » n'existe pas dans la version {SHIPPED_VERSION + 1}."]


def test_nothing_to_migrate_when_the_file_is_unchanged(world, client):
    client.login(world.admin)
    page = client.get(f"/admin/appels/{world.call.id}/migration")
    assert "il n'y a rien à migrer" in page.page
