"""The workflow drawn as an inline SVG: well formed, readable, accessible, escaped and deterministic."""
import json
import random
import re
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest

from aap.workflow.diagram import render_svg, wrap
from aap.workflow.schema import load_file, load_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "workflows").glob("*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"

TINY = """
name: tiny
version: 1
label: "Petit <script>alert('x')</script> & cie"
initial: draft
roles: [holder, admin]
states:
  draft: {label: "Brouillon <script>alert(1)</script>"}
  sent: {label: "Envoyé & reçu \\"vite\\""}
  done: {label: "Clos <b>", final: true}
transitions:
  - name: send
    label: "Envoyer <img src=x onerror=alert(1)>"
    from: [draft]
    to: sent
    roles: [holder]
    guards: [call_is_open, dossier_is_complete]
    effects: [{notify: {to: holder, template: dossier_update}}]
  - name: close
    label: Clore & archiver
    from: [sent]
    to: done
    roles: [admin]
"""


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def classes(element) -> set[str]:
    return set(element.get("class", "").split())


def nodes(root) -> dict:
    return {g.get("data-state"): g for g in root.iter(f"{SVG}g") if "wf-node" in classes(g)}


def text_of(element) -> str:
    return " ".join(t.text or "" for t in element.iter(f"{SVG}text"))


def rect(element) -> tuple[float, float, float, float]:
    return tuple(float(element.get(key)) for key in ("x", "y", "width", "height"))


def box_of(node) -> tuple[float, float, float, float]:
    return rect(next(r for r in node.iter(f"{SVG}rect") if "wf-box" in classes(r)))


def drawn_paths(root) -> list:
    """Every path of the drawing itself (the arrowhead's path in <defs> excluded)."""
    return [p for p in root.iter(f"{SVG}path") if "wf-edge" in classes(p)]


def path_points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2]))


def segment_crosses(start, end, box, inset: float = 2) -> bool:
    """Whether the segment enters the box shrunk by `inset` (Liang–Barsky clipping)."""
    x, y, width, height = box[0] + inset, box[1] + inset, box[2] - 2 * inset, box[3] - 2 * inset
    low, high = 0.0, 1.0
    dx, dy = end[0] - start[0], end[1] - start[1]
    for p, q in ((-dx, start[0] - x), (dx, x + width - start[0]), (-dy, start[1] - y), (dy, y + height - start[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        low, high = (max(low, t), high) if p < 0 else (low, min(high, t))
        if low > high:
            return False
    return True


def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def middle_state(workflow) -> str:
    return [s.name for s in workflow.ordered_states() if not s.final][2]


def random_workflow(seed: int):
    """A valid random workflow: a spanning tree from the initial state plus extra edges, loops, maybe a '*'."""
    rng = random.Random(seed)
    words = ["Dossier", "déposé", "en", "instruction", "complémentaire", "avis", "du", "comité", "Retiré", "par",
             "le", "porteur", "conventionné", "A", "très-long-mot-sans-espace"]
    count = rng.randint(3, 15)
    names = [f"s{i}" for i in range(count)]
    finals = set(rng.sample(names[1:], rng.randint(1, max(1, count // 3))))
    states = {n: {"label": " ".join(rng.choice(words) for _ in range(rng.randint(1, 6))), "final": n in finals}
              for n in names}
    links = [(rng.choice([m for m in names[:i] if m not in finals]), name) for i, name in enumerate(names) if i]
    open_states = [n for n in names if n not in finals]
    links += [(n, rng.choice(names)) for n in open_states if all(s != n for s, _ in links)]
    links += [(rng.choice(open_states), rng.choice(names)) for _ in range(rng.randint(0, count))]
    transitions = [{"name": f"t{i}", "label": f"Transition {i}", "from": [s], "to": t, "roles": ["admin"]}
                   for i, (s, t) in enumerate(dict.fromkeys(links))]
    if rng.random() < 0.5:
        transitions.append({"name": "everywhere", "label": "Abandonner", "from": "*",
                            "to": rng.choice(sorted(finals)), "roles": ["admin"]})
    return load_text(json.dumps({"name": f"random-{seed}", "version": 1, "label": f"Aléatoire {seed}",
                                 "initial": "s0", "roles": ["admin"], "states": states,
                                 "transitions": transitions}, ensure_ascii=False))


def assert_layout_is_clean(workflow, root) -> None:
    """No two boxes overlap, no edge goes through a box, everything lies inside the viewBox."""
    boxes = {name: box_of(node) for name, node in nodes(root).items()}
    notes = [rect(r) for r in root.iter(f"{SVG}rect") if "wf-note-box" in classes(r)]
    for a, b in combinations(list(boxes.values()) + notes, 2):
        assert not overlaps(a, b), (a, b)
    for path in drawn_paths(root):
        points = path_points(path.get("d"))
        for start, end in zip(points, points[1:]):
            for name, box in boxes.items():
                assert not segment_crosses(start, end, box), (path.findtext(f"{SVG}title"), name)
    left, top, width, height = (float(v) for v in root.get("viewBox").split())
    inside = [(float(e.get("x")), float(e.get("y"))) for e in root.iter() if e.tag in (f"{SVG}rect", f"{SVG}text")]
    inside += [(x + w, y + h) for x, y, w, h in list(boxes.values()) + notes]
    inside += [p for path in drawn_paths(root) for p in path_points(path.get("d"))]
    inside += [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    for x, y in inside:
        assert left <= x <= left + width and top <= y <= top + height, (x, y)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_workflow_draws_one_box_per_state_in_a_well_formed_svg(path):
    workflow = load_file(path)
    current = middle_state(workflow)
    root = parse(render_svg(workflow, current))
    assert root.tag == f"{SVG}svg"
    assert (root.get("role"), root.get("width"), root.get("preserveAspectRatio")) == ("img", "100%", "xMidYMin meet")
    drawn = nodes(root)
    assert list(drawn) == list(workflow.states)
    for name, state in workflow.states.items():
        expected = state.label + (" état actuel" if name == current else "")
        assert text_of(drawn[name]) == expected
    assert_layout_is_clean(workflow, root)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_current_state_is_marked_by_more_than_colour(path):
    workflow = load_file(path)
    current = middle_state(workflow)
    root = parse(render_svg(workflow, current))
    marked = [name for name, node in nodes(root).items() if "wf-current" in classes(node)]
    assert marked == [current]
    node = nodes(root)[current]
    box = next(r for r in node.iter(f"{SVG}rect") if "wf-box" in classes(r))
    assert (box.get("stroke-width"), box.get("fill")) == ("3", "#dbe4ff")
    assert text_of(node).endswith("état actuel")
    assert sum("état actuel" in text_of(n) for n in nodes(root).values()) == 1
    title = root.find(f"{SVG}title").text
    assert title.endswith(f"état actuel : {workflow.state_label(current)}") and workflow.label in title
    without = parse(render_svg(workflow))
    assert "état actuel" not in "".join(without.itertext())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_final_states_have_a_double_border_and_the_initial_state_a_marker(path):
    workflow = load_file(path)
    root = parse(render_svg(workflow))
    for name, node in nodes(root).items():
        assert len(node.findall(f"{SVG}rect")) == (2 if workflow.states[name].final else 1)
        assert ("wf-final" in classes(node)) == workflow.states[name].final
    start = next(g for g in root.iter(f"{SVG}g") if "wf-start" in classes(g))
    initial_box = box_of(nodes(root)[workflow.initial])
    arrow_end = path_points(start.find(f"{SVG}path").get("d"))[-1]
    assert arrow_end == pytest.approx((initial_box[0] + initial_box[2] / 2, initial_box[1]), abs=0.1)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_withdraw_from_anywhere_is_a_note_not_one_edge_per_state(path):
    workflow = load_file(path)
    root = parse(render_svg(workflow))
    withdraw = workflow.transitions["withdraw"]
    notes = [g for g in root.iter(f"{SVG}g") if "wf-note" in classes(g)]
    note = "Depuis tout état non final : Retirer le dossier → Retiré par le porteur"
    assert [text_of(g) for g in notes] == [note]
    titled_withdraw = [p for p in drawn_paths(root) if p.findtext(f"{SVG}title") == withdraw.label]
    assert [classes(p) for p in titled_withdraw] == [{"wf-edge", "wf-note-link"}]
    pairs = {(s, t.target) for t in workflow.transitions.values() if t is not withdraw for s in t.sources}
    edges = [p for p in drawn_paths(root) if not classes(p) & {"wf-note-link", "wf-start-arrow"}]
    assert len(edges) == len(pairs)


def test_loops_and_returns_are_drawn_beside_the_boxes():
    conjointe = parse(render_svg(load_file(ROOT / "workflows" / "instruction-conjointe.yaml")))
    loops = [p for p in drawn_paths(conjointe) if "wf-loop" in classes(p)]
    assert [p.findtext(f"{SVG}title") for p in loops] == ["Enregistrer la décision de mon financeur"]
    plaine = parse(render_svg(load_file(ROOT / "workflows" / "plaine-commune.yaml")))
    returns = {p.findtext(f"{SVG}title") for p in drawn_paths(plaine) if "wf-back" in classes(p)}
    assert returns == {"Déposer les compléments", "Réinscrire au comité", "Demander de reprendre le compte-rendu"}


def test_admin_edited_labels_are_escaped():
    workflow = load_text(TINY)
    markup = str(render_svg(workflow, "sent"))
    assert "<script" not in markup and "<img" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup and "&amp; reçu" in markup
    root = parse(markup)
    assert text_of(nodes(root)["draft"]) == "Brouillon <script>alert(1)</script>"
    assert text_of(nodes(root)["sent"]) == 'Envoyé & reçu "vite" état actuel'
    assert root.find(f"{SVG}title").text.startswith(
        "Schéma du cycle de traitement « Petit <script>alert('x')</script> & cie »")
    titles = [p.findtext(f"{SVG}title") for p in drawn_paths(root)]
    assert "Envoyer <img src=x onerror=alert(1)>" in titles
    assert_layout_is_clean(workflow, root)


def test_the_svg_is_accessible_and_csp_safe():
    workflow = load_file(ROOT / "workflows" / "plaine-commune.yaml")
    markup = str(render_svg(workflow, "in_review"))
    root = parse(markup)
    assert "<script" not in markup and "<style" not in markup
    assert not [e for e in root.iter() if "style" in e.attrib or e.tag == f"{SVG}style"]
    assert root.find(f"{SVG}title").get("id") == root.get("aria-labelledby")
    description = root.find(f"{SVG}desc")
    assert description.get("id") == root.get("aria-describedby")
    assert "17 états et 19 transitions" in description.text and "tableau" in description.text
    arrow = root.find(f"{SVG}defs/{SVG}marker").get("id")
    assert all(p.get("marker-end") == f"url(#{arrow})" for p in drawn_paths(root))


def test_two_diagrams_on_one_page_do_not_share_ids():
    workflow = load_file(ROOT / "workflows" / "deux-temps.yaml")
    ids = [{e.get("id") for e in parse(render_svg(workflow, current)).iter() if e.get("id")}
           for current in (None, "invited")]
    assert len(ids[0]) == len(ids[1]) == 3 and not ids[0] & ids[1]
    chosen = parse(render_svg(workflow, id_prefix="liste-3"))
    assert chosen.get("aria-labelledby") == "liste-3-title"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_output_is_deterministic(path):
    assert render_svg(load_file(path), "submitted") == render_svg(load_file(path), "submitted")


@pytest.mark.parametrize("seed", range(40))
def test_random_workflows_lay_out_cleanly(seed):
    workflow = random_workflow(seed)
    root = parse(render_svg(workflow, "s1"))
    assert list(nodes(root)) == list(workflow.states)
    assert_layout_is_clean(workflow, root)


def test_long_labels_wrap_on_three_lines_at_most():
    assert wrap("Compléments demandés") == ["Compléments demandés"]
    assert wrap("Retiré par le porteur") == ["Retiré par le", "porteur"]
    lines = wrap("Un libellé vraiment très long qui ne tient pas sur trois lignes du tout, loin de là")
    assert len(lines) == 3 and lines[-1].endswith("…") and all(len(line) <= 20 for line in lines)
