from dataclasses import dataclass

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
