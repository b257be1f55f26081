import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import factories


@dataclass
class World:
    call: object
    organisation: object
    holder: object
    other_holder: object
    instructor: object
    admin: object
    committee: object
    reviewer: object
    funders: list


@pytest.fixture
def world_for(session):
    """world_for("plaine-commune"): an open call on that workflow and one person per role."""

    def build(workflow: str = "plaine-commune") -> World:
        call = factories.make_open_call(workflow)
        holder = factories.make_user(email="porteur@example.org")
        organisation = factories.make_organisation(members=[holder], name="Épicerie des Francs-Moisins")
        return World(
            call=call, organisation=organisation, holder=holder, other_holder=factories.make_user(),
            instructor=factories.make_user(email="instructeur@example.org", roles=("instructor",), totp=True),
            admin=factories.make_user(email="admin@example.org", roles=("admin",), totp=True),
            committee=factories.make_user(roles=("committee",), call=call, totp=True),
            reviewer=factories.make_user(roles=("reviewer",), call=call, totp=True),
            funders=[factories.make_user(email=f"financeur{i}@example.org", roles=("funder",), call=call, totp=True)
                     for i in (1, 2)])

    return build


@pytest.fixture
def world(world_for):
    return world_for("plaine-commune")


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def buttons_world(world_for, app, tmp_path, monkeypatch):
    """The reference workflow with every step a button, as a workflow file without `when:` is: the engine's own
    requirements (an amount, a file) are then typed on the dossier's page."""
    source = re.sub(r"^    when: \w+\n", "", (ROOT / "workflows" / "plaine-commune.yaml").read_text(), flags=re.M)
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "plaine-commune.yaml").write_text(source)
    monkeypatch.setitem(app.config, "WORKFLOWS_FOLDER", str(folder))
    return world_for("plaine-commune")
