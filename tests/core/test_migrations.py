from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from aap.core.models import compared_on
from aap.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "aap/translations/en/LC_MESSAGES/messages.po"


def test_migrations_build_exactly_the_models(app):
    """The test databases come from the migrations; they must not drift from the models."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": compared_on(connection.dialect.name)})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_message_has_an_english_translation(tmp_path):
    template = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                                "-k", "ngettext:1,2", "-o", str(template), "--no-location", str(ROOT)])
    with open(template, "rb") as handle:
        in_source = {message.id for message in read_po(handle) if message.id}
    with open(CATALOGUE, "rb") as handle:
        catalogue = read_po(handle)
    assert in_source - {message.id for message in catalogue} == set(), "run pybabel update (aap/translations/README.md)"
    missing = [message.id for message in catalogue if message.id and (
        not message.string or (isinstance(message.string, tuple) and not all(message.string))
        or message.fuzzy)]
    assert missing == []
