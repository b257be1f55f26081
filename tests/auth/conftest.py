import pytest

from aap.extensions import db


@pytest.fixture
def committed(app):
    """Real commits visible to other connections (for tests with threads); every table is emptied afterwards."""
    with app.app_context():
        yield
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
