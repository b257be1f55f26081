"""[speed] The dossiers' list and the dossier page cost the same SQL whatever the rows, and read no large column."""
import re

from tests import factories
from tests.dossiers.speed_world import dossiers, history, people

#: columns a list never reads: the workflow's YAML, the answers, the call's JSON settings
LARGE = ("workflow_versions.source", "dossiers.answers", "calls.required_attachments", "calls.eligibility_checklist",
         "calls.funders", "calls.report_indicators")


def _counted(client, count_queries, path):
    client.get(path)  # warm: the workflow parsed once per process, the templates compiled
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200
    return counted, response


def test_the_list_costs_the_same_queries_for_10_and_1000_dossiers(client, login_as, count_queries):
    small, large = factories.make_open_call(title="Petit appel"), factories.make_open_call(title="Grand appel")
    dossiers(small, 10)
    dossiers(large, 1000)
    login_as("admin")
    counts = {}
    for call, path in ((small, f"/dossiers?appel={small.id}"), (large, f"/dossiers?appel={large.id}"),
                       (large, f"/dossiers?appel={large.id}&page=20"),
                       (large, f"/dossiers?appel={large.id}&tri=title&ordre=asc&page=15")):
        counted, response = _counted(client, count_queries, path)
        counts[path] = counted.n
        assert response.text.count('href="/dossiers/') >= (10 if call is small else 50)
    assert len(set(counts.values())) == 1, counts
    # the user and their grants, the unread badge, the page, its count, the calls, the drafts, the overdue reports
    assert max(counts.values()) <= 9, counts


def test_the_list_reads_none_of_the_large_columns(client, login_as, count_queries):
    call = factories.make_open_call()
    dossiers(call, 60)
    login_as("admin")
    counted, response = _counted(client, count_queries, "/dossiers?page=2")
    assert "Projet" in response.text
    listing = [statement for statement in counted.statements if re.search(r"FROM dossiers\b", statement)]
    assert listing, counted.statements
    for statement in listing:
        for column in LARGE:
            assert column not in statement, (column, statement)
    eager = [statement for statement in counted.statements
             if re.match(r"\s*SELECT (memberships|attachments|role_grants|strands)\.", statement)]
    assert eager == [], "the members, their grants, the pieces and the strands are never shown on the list"


def test_the_dossier_page_costs_the_same_for_10_and_1000_history_entries(client, login_as, count_queries):
    call = factories.make_open_call()
    short, long = dossiers(call, 2)
    history(short, 10, people(10))
    history(long, 1000, people(200))
    login_as("admin")
    counts = {}
    for dossier_id in (short, long):
        counted, response = _counted(client, count_queries, f"/dossiers/{dossier_id}")
        counts[dossier_id] = counted.n
        assert response.text.count("Une question.") == (10 if dossier_id == short else 1000)
    assert counts[short] == counts[long], counts
    grants = [statement for statement in counted.statements if re.match(r"\s*SELECT role_grants\.", statement)]
    assert len(grants) <= 1, "only the holders' grants, with their memberships; never the actors' or authors'"
