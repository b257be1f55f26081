from pathlib import Path

import pytest

from aap.workflow import schema

ROOT = Path(__file__).resolve().parents[2]
BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
SHIPPED = sorted((ROOT / "workflows").glob("*.yaml"))


def expected_error(path: Path) -> str:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    return f"{path}:" + first_line.removeprefix("# expect: ")


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_each_broken_file_gives_its_one_expected_error(path):
    with pytest.raises(schema.InvalidWorkflow) as raised:
        schema.load_file(path)
    assert [str(error) for error in raised.value.errors] == [expected_error(path)]


def test_the_broken_folder_covers_every_kind_of_mistake():
    assert {p.stem for p in BROKEN} >= {
        "unknown-key", "unknown-state", "unknown-role", "unknown-guard", "unknown-effect", "unknown-template",
        "unknown-requirement", "unreachable-state", "dead-end", "duplicate-name", "duplicate-state",
        "out-of-final", "timeout-missing-transition"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_workflows_are_valid(path):
    workflow = schema.load_file(path)
    assert workflow.name == path.stem and workflow.version >= 1


def test_the_three_reference_workflows_ship():
    assert {p.stem for p in SHIPPED} == {"plaine-commune", "deux-temps", "instruction-conjointe"}


def test_star_means_every_non_final_state():
    workflow = schema.load_file(ROOT / "workflows" / "plaine-commune.yaml")
    withdraw = workflow.transitions["withdraw"]
    assert set(withdraw.sources) == {name for name, state in workflow.states.items() if not state.final}


def test_name_must_match_the_file(tmp_path):
    text = (ROOT / "workflows" / "deux-temps.yaml").read_text()
    path = tmp_path / "autre-nom.yaml"
    path.write_text(text)
    with pytest.raises(schema.InvalidWorkflow, match="« name » doit reprendre le nom du fichier : autre-nom"):
        schema.load_file(path)


@pytest.mark.parametrize("text, message", [
    ("", "1: le fichier est vide"),
    ("name: [unclosed", "YAML illisible"),
    ("- a\n- b\n", "le fichier doit décrire un workflow"),
    ("name: x\n", "clé obligatoire manquante : « version »"),
])
def test_malformed_files_are_refused_with_a_line(text, message):
    with pytest.raises(schema.InvalidWorkflow, match=message):
        schema.load_text(text, "x.yaml")



def test_check_command_passes_on_the_shipped_files(app):
    result = app.test_cli_runner().invoke(args=["aap", "workflow", "check"])
    assert result.exit_code == 0, result.output


def test_check_command_prints_file_line_message_and_fails(app):
    result = app.test_cli_runner().invoke(args=["aap", "workflow", "check", *map(str, BROKEN)])
    assert result.exit_code == 1
    for path in BROKEN:
        assert expected_error(path) in result.output


def test_the_readme_example_is_a_valid_workflow(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("### A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "petit-appel.yaml"
    path.write_text(example, encoding="utf-8")
    workflow = schema.load_file(path)
    assert workflow.states["info_requested"].timeout.transition == "close_without_answer"


def test_the_holder_reads_the_reviewers_comments_only_in_the_decided_states():
    shown = {path.stem: sorted(name for name, state in schema.load_file(path).states.items()
                               if state.holder_sees_reviews) for path in SHIPPED}
    assert shown == {"plaine-commune": ["advance_paid", "agreement_signed", "closed", "granted", "refused",
                                        "report_accepted", "report_submitted"],
                     "deux-temps": ["granted", "refused"], "instruction-conjointe": ["decided"]}
