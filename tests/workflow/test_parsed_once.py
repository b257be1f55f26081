"""[speed] Workflow files and pinned versions are parsed once per text, not on every request."""
from aap.workflow import schema


def test_the_workflows_page_parses_each_file_once(client, login_as, monkeypatch):
    parsed = []
    real = schema.load_text
    monkeypatch.setattr(schema, "load_text", lambda text, *args, **kwargs: parsed.append(text) or real(
        text, *args, **kwargs))
    schema._load_known_text.cache_clear()
    login_as("admin")
    assert client.get("/admin/workflows").status_code == 200
    assert parsed, "the first view parses the files"
    first = len(parsed)
    assert client.get("/admin/workflows").status_code == 200
    assert len(parsed) == first, "the second view reads the files but parses none of them again"
