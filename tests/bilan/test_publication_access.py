"""Who may write, preview and publish a bilan, and who reads it: the rules of aap.bilan.access."""
import pytest
from flask_login import AnonymousUserMixin

from aap.bilan.access import manages_bilan, reads_version
from aap.bilan.models import BilanVersion
from aap.core.models import utcnow
from tests import factories
from tests.bilan.publication_world import admin, figures_by_hand, finished_call, published


@pytest.fixture
def figures(monkeypatch):
    return figures_by_hand(monkeypatch)


def test_administrators_alone_write_preview_and_publish(session):
    call = finished_call()
    people = {"admin": admin(), "instructor": factories.make_user(roles=("instructor",), totp=True),
              "committee": factories.make_user(roles=("committee",), call=call, totp=True),
              "holder": factories.make_user()}
    assert {name: manages_bilan(person, call.id) for name, person in people.items()} == {
        "admin": True, "instructor": False, "committee": False, "holder": False}
    assert not manages_bilan(AnonymousUserMixin(), call.id) and not manages_bilan(None, call.id)
    assert not manages_bilan(people["admin"], None)


def test_a_published_version_is_everyones_and_nothing_else_is(session, figures):
    call, person = finished_call(), admin()
    version = published(call, person)
    for reader in (AnonymousUserMixin(), factories.make_user(), person):
        assert reads_version(reader, version)
        assert not reads_version(reader, None)
        assert not reads_version(reader, BilanVersion(number=2, snapshot={}, published_at=utcnow()))  # not stored
