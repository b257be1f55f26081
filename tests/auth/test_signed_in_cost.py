"""[speed] The fixed cost of a signed-in page: the account, its login session and its grants in one query."""
import re

from aap.auth.operations import grant_role
from aap.extensions import db
from tests import factories


def test_a_signed_in_page_loads_the_account_and_its_grants_in_one_query(client, login_as, count_queries):
    user = login_as("instructor")
    for title in ("Premier", "Second"):
        grant_role(user, "reviewer", factories.make_call(title=title).id)
    db.session.commit()
    client.get("/accessibilite")
    with count_queries() as counted:
        assert client.get("/accessibilite").status_code == 200
    first, *others = counted.statements
    assert "FROM users" in first and "login_sessions" in first and "role_grants" in first
    assert not any(re.search(r"\bFROM (role_grants|strands|calls)\b", statement) for statement in others), others
    assert counted.n == 2  # and the unread badge
