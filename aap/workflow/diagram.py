"""A workflow drawn as an inline SVG: layered layout computed in Python, no JavaScript, CSP-safe."""
import hashlib
import re
from dataclasses import dataclass
from itertools import combinations

from markupsafe import Markup, escape

from aap.workflow.definitions import Workflow

FONT_SIZE, CHAR_WIDTH, LINE_HEIGHT, PAD_X, PAD_Y = 13, 7, 17, 16, 9
LABEL_CHARS, NOTE_CHARS, MIN_WIDTH, DUMMY_WIDTH = 20, 48, 110, 8
H_GAP, V_GAP, MARGIN, LOOP_REACH, INITIAL_REACH = 44, 54, 12, 36, 30
LANE_GAP, LANE_STEP, CORNER, PORT_STEP = 26, 14, 10, 22
BLUE, TEXT, WHITE, CURRENT_FILL, NOTE_FILL = "#1f3a8a", "#1e1e1e", "#ffffff", "#dbe4ff", "#f4f6fd"
EDGE = f'fill="none" stroke="{BLUE}" stroke-width="1.5"'
DASHED = ' stroke-dasharray="5 4"'


@dataclass
class Box:
    """A state's rectangle, or a dummy slot where a long edge crosses a layer."""
    key: object
    layer: int
    width: float
    height: float = 0
    lines: tuple = ()
    dummy: bool = False
    x: float = 0
    y: float = 0
    right = property(lambda self: self.x + self.width)
    bottom = property(lambda self: self.y + self.height)
    cx = property(lambda self: self.x + self.width / 2)
    cy = property(lambda self: self.y + self.height / 2)


@dataclass
class Graph:
    """The computed layout: boxes by key, keys by layer, (top, bottom) of each row, and the edges."""
    boxes: dict
    layers: list
    rows: list
    chains: list      # forward edges: ([source, *dummies, target], label)
    back_edges: list  # (source, target, label), drawn in a side lane
    loops: dict       # state -> label of its self-loop
    notes: list       # transitions leaving every non-final state


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _xy(point) -> str:
    return f"{_n(point[0])},{_n(point[1])}"


def wrap(text: str, limit: int = LABEL_CHARS, max_lines: int = 3) -> list[str]:
    """Greedy word wrap; what does not fit in max_lines ends with an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1:])
        lines = lines[:max_lines - 1] + [rest[:limit - 1].rstrip() + "…"]
    return lines or [""]


def _split_transitions(workflow: Workflow) -> tuple[list, list]:
    """Edges (source, target, label) to draw, and the transitions leaving every non-final state."""
    non_final = {name for name, state in workflow.states.items() if not state.final}
    pairs: dict[tuple, list[str]] = {}
    notes = []
    for transition in workflow.transitions.values():
        if len(non_final) > 2 and non_final <= set(transition.sources):
            notes.append(transition)
            continue
        for source in transition.sources:
            pairs.setdefault((source, transition.target), []).append(transition.label)
    return [(s, t, " / ".join(labels)) for (s, t), labels in pairs.items()], notes


def _back_edges(workflow: Workflow, links: list[tuple]) -> set:
    """Edges closing a cycle in a depth-first walk from the initial state."""
    status, back = {}, set()

    def visit(node):
        status[node] = "open"
        for target in (t for s, t in links if s == node):
            if status.get(target) == "open":
                back.add((node, target))
            elif target not in status:
                visit(target)
        status[node] = "done"

    for root in [workflow.initial, *workflow.states]:
        if root not in status:
            visit(root)
    return back


def _longest_path_layers(names, forward: list[tuple]) -> dict:
    """Layer of each state: length of the longest forward path reaching it."""
    layer: dict = {}

    def depth(name):
        if name not in layer:
            layer[name] = max((depth(s) + 1 for s, t in forward if t == name), default=0)
        return layer[name]

    return {name: depth(name) for name in names}


def _crossings(layers: list, segments: list[tuple], boxes: dict) -> int:
    position = {key: index for layer in layers for index, key in enumerate(layer)}
    pairs = [(boxes[s].layer, position[s], position[t]) for s, t in segments]
    return sum(g == h and (a - c) * (b - d) < 0 for (g, a, b), (h, c, d) in combinations(pairs, 2))


def _order_layers(layers: list, segments: list[tuple], boxes: dict, sweeps: int = 8) -> None:
    """Reorder layers in place by the barycentre of their neighbours, keeping the fewest crossings."""
    above = {key: [s for s, t in segments if t == key] for key in boxes}
    below = {key: [t for s, t in segments if s == key] for key in boxes}
    best, fewest = [list(layer) for layer in layers], _crossings(layers, segments, boxes)
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        for index in range(1, len(layers)) if down else range(len(layers) - 2, -1, -1):
            position = {key: p for p, key in enumerate(layers[index - 1] if down else layers[index + 1])}
            own = {key: p for p, key in enumerate(layers[index])}

            def barycentre(key, position=position, own=own, down=down):
                neighbours = [position[n] for n in (above if down else below)[key]]
                return sum(neighbours) / len(neighbours) if neighbours else own[key]
            layers[index].sort(key=barycentre)
        crossings = _crossings(layers, segments, boxes)
        if crossings < fewest:
            best, fewest = [list(layer) for layer in layers], crossings
    layers[:] = best


def _place(layers: list, boxes: dict, loops: dict) -> list[tuple]:
    """Spread each layer evenly across the widest one, rows top to bottom; returns (top, bottom) per row."""
    used = [sum(boxes[k].width + LOOP_REACH * (k in loops) for k in layer) + H_GAP * (len(layer) - 1)
            for layer in layers]
    top, rows = INITIAL_REACH, []
    for layer, width in zip(layers, used, strict=True):
        spare = (max(used) - width) / (len(layer) + 1)
        height = max(boxes[k].height for k in layer if not boxes[k].dummy)
        x = spare
        for key in layer:
            box = boxes[key]
            box.x = x + LOOP_REACH * (key in loops)
            box.height = height if box.dummy else box.height
            box.y = top + (height - box.height) / 2
            x = box.right + H_GAP + spare
        rows.append((top, top + height))
        top += height + V_GAP
    return rows


def _state_box(workflow: Workflow, name: str, layer: int, is_current: bool) -> Box:
    lines = tuple(wrap(workflow.states[name].label)) + (("état actuel",) if is_current else ())
    width = max(MIN_WIDTH, max(len(line) for line in lines) * CHAR_WIDTH + 2 * PAD_X)
    return Box(name, layer, width, len(lines) * LINE_HEIGHT + 2 * PAD_Y, lines)


def _layout(workflow: Workflow, current: str | None) -> Graph:
    """Layers, order within the layers and coordinates of every state; long edges get dummy slots."""
    edges, notes = _split_transitions(workflow)
    note_links = [(s, note.target) for note in notes for s in note.sources if s != note.target]
    links = [(s, t) for s, t, _ in edges if s != t]
    back = _back_edges(workflow, links + note_links)
    layer = _longest_path_layers(workflow.states, [link for link in links + note_links if link not in back])
    boxes = {name: _state_box(workflow, name, layer[name], name == current) for name in workflow.states}
    chains = []
    for source, target, label in edges:
        if source != target and (source, target) not in back:
            dummies = [(source, target, n) for n in range(layer[source] + 1, layer[target])]
            boxes.update({key: Box(key, key[2], DUMMY_WIDTH, dummy=True) for key in dummies})
            chains.append(([source, *dummies, target], label))
    rank = {state.name: index for index, state in enumerate(workflow.ordered_states())}
    keys = sorted(boxes, key=lambda k: rank[k] if isinstance(k, str) else rank[k[0]] + 0.5)
    layers = [[k for k in keys if boxes[k].layer == n] for n in range(max(layer.values()) + 1)]
    _order_layers(layers, [pair for chain, _ in chains for pair in zip(chain, chain[1:], strict=False)], boxes)
    loops = {s: label for s, t, label in edges if s == t}
    rows = _place(layers, boxes, loops)
    back_edges = [(s, t, label) for s, t, label in edges if (s, t) in back and s != t]
    return Graph(boxes, layers, rows, chains, back_edges, loops, notes)


def _ports(graph: Graph) -> dict:
    """x where each edge leaves or enters a box: spread along its side, ordered by the other end."""
    ends: dict = {}
    for chain, _ in graph.chains:
        for own, other in ((chain[0], chain[1]), (chain[-1], chain[-2])):
            ends.setdefault((own, graph.boxes[other].layer > graph.boxes[own].layer), []).append((own, other))
    ports = {}
    for (own, _), pairs in ends.items():
        box = graph.boxes[own]
        step = min(PORT_STEP, box.width * 0.7 / len(pairs))
        for index, pair in enumerate(sorted(pairs, key=lambda p: graph.boxes[p[1]].cx)):
            ports[pair] = box.cx + (index - (len(pairs) - 1) / 2) * step
    return ports


def _rounded(points: list) -> str:
    """An orthogonal polyline with rounded corners."""
    points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    d = [f"M{_xy(points[0])}"]
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        incoming = (corner[0] - before[0], corner[1] - before[1])
        outgoing = (after[0] - corner[0], after[1] - corner[1])
        length_in, length_out = max(map(abs, incoming)), max(map(abs, outgoing))
        radius = min(CORNER, length_in / 2, length_out / 2)
        start = (corner[0] - incoming[0] * radius / length_in, corner[1] - incoming[1] * radius / length_in)
        end = (corner[0] + outgoing[0] * radius / length_out, corner[1] + outgoing[1] * radius / length_out)
        d.append(f"L{_xy(start)} Q{_xy(corner)} {_xy(end)}")
    return " ".join(d + [f"L{_xy(points[-1])}"])


def _blocked(graph: Graph, box: Box, side: int) -> bool:
    """Whether a box, or the box's self-loop (drawn on its left), stands between it and the side lane."""
    layer = graph.layers[box.layer]
    index = layer.index(box.key)
    beside = layer[index + 1:] if side > 0 else layer[:index]
    return (side < 0 and box.key in graph.loops) or any(not graph.boxes[k].dummy for k in beside)


def _back_route(graph: Graph, low: Box, high: Box, lane: float, side: int) -> list[tuple]:
    """Orthogonal points from the source up the lane to the target, through the row gaps if blocked."""
    def edge(box, inset=0.0):
        return (box.right if side > 0 else box.x) - side * inset
    points = [(edge(low), low.cy), (lane, low.cy)]
    if _blocked(graph, low, side):
        gap_y = graph.rows[low.layer][0] - V_GAP / 2
        points = [(edge(low, 1.5 * CORNER), low.y), (edge(low, 1.5 * CORNER), gap_y), (lane, gap_y)]
    if not _blocked(graph, high, side):
        return points + [(lane, high.cy), (edge(high), high.cy)]
    gap_y = graph.rows[high.layer][1] + V_GAP / 2
    if points[-1][1] == gap_y:
        points.pop()
    else:
        points.append((lane, gap_y))
    return points + [(edge(high, 1.5 * CORNER), gap_y), (edge(high, 1.5 * CORNER), high.bottom)]


class _Drawing:
    """SVG fragments for one layout, keeping track of the extent of everything drawn."""

    def __init__(self, workflow: Workflow, graph: Graph, current: str | None, prefix: str):
        self.workflow, self.graph, self.current = workflow, graph, current
        self.arrow = f"url(#{prefix}-arrow)"
        self.xs, self.ys = [], []

    def include(self, points) -> None:
        self.xs += [x for x, _ in points]
        self.ys += [y for _, y in points]

    def view_box(self) -> str:
        left, top = min(self.xs) - MARGIN, min(self.ys) - MARGIN
        return " ".join(_n(v) for v in (left, top, max(self.xs) + MARGIN - left, max(self.ys) + MARGIN - top))

    def path(self, d: str, label: str, points, css: str, extra: str = "") -> str:
        self.include(points)
        return (f'<path class="{css}" d="{d}" {EDGE}{extra} marker-end="{self.arrow}">'
                f'<title>{escape(label)}</title></path>')

    def rect(self, box: tuple, css: str, fill: str, stroke_width: float, radius: int = 8, extra: str = "") -> str:
        x, y, width, height = box
        self.include([(x, y), (x + width, y + height)])
        return (f'<rect class="{css}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
                f'rx="{radius}" fill="{fill}" stroke="{BLUE}" stroke-width="{stroke_width}"{extra}/>')

    def text(self, lines, cx: float, top: float, current_last: bool = False) -> str:
        texts = []
        for index, line in enumerate(lines):
            last = current_last and index == len(lines) - 1
            extra = ' class="wf-current-text" font-size="12" font-style="italic"' if last else ""
            texts.append(f'<text x="{_n(cx)}" y="{_n(top + PAD_Y + 13 + index * LINE_HEIGHT)}" '
                         f'text-anchor="middle" fill="{TEXT}"{extra}>{escape(line)}</text>')
        return "".join(texts)

    def chain(self, chain: list, label: str, ports: dict) -> str:
        """A forward edge: Béziers from bottom to top, straight down through the dummy slots it crosses."""
        boxes = [self.graph.boxes[key] for key in chain]
        points = [(ports[(chain[0], chain[1])], boxes[0].bottom)]
        points += [p for box in boxes[1:-1] for p in ((box.cx, box.y), (box.cx, box.bottom))]
        points.append((ports[(chain[-1], chain[-2])], boxes[-1].y))
        d = [f"M{_xy(points[0])}"]
        for index in range(1, len(points)):
            (x0, y0), (x1, y1) = points[index - 1], points[index]
            middle = (y0 + y1) / 2
            d.append(f"C{_xy((x0, middle))} {_xy((x1, middle))} {_xy((x1, y1))}" if index % 2
                     else f"L{_xy((x1, y1))}")
        return self.path(" ".join(d), label, points, "wf-edge")

    def back_edges(self) -> list[str]:
        """Edges going back up, in a lane beside the boxes, on the side nearer their ends."""
        graph, lanes, paths = self.graph, [], []
        middle = max(box.right for box in graph.boxes.values()) / 2
        for source, target, label in sorted(graph.back_edges,
                                            key=lambda e: graph.boxes[e[0]].layer - graph.boxes[e[1]].layer):
            low, high = graph.boxes[source], graph.boxes[target]
            side = -1 if low.cx + high.cx < 2 * middle else 1
            reach = LANE_GAP + max(graph.boxes[k].right if side > 0 else LOOP_REACH * (k in graph.loops)
                                   - graph.boxes[k].x for layer in graph.layers[high.layer:low.layer + 1]
                                   for k in layer)
            for other_side, other_reach, top, bottom in lanes:
                if other_side == side and top <= low.layer and high.layer <= bottom:
                    reach = max(reach, other_reach + LANE_STEP)
            lanes.append((side, reach, high.layer, low.layer))
            points = _back_route(graph, low, high, side * reach, side)
            paths.append(self.path(_rounded(points), label, points, "wf-edge wf-back"))
        return paths

    def loop(self, name: str, label: str) -> str:
        """A transition from a state to itself: a small loop on the left side of its box."""
        box = self.graph.boxes[name]
        points = [(box.x, box.cy - 9), (box.x - LOOP_REACH, box.cy - 30), (box.x - LOOP_REACH, box.cy + 30),
                  (box.x, box.cy + 9)]
        d = f"M{_xy(points[0])} C{_xy(points[1])} {_xy(points[2])} {_xy(points[3])}"
        return self.path(d, label, points, "wf-edge wf-loop")

    def node(self, name: str) -> str:
        box, state = self.graph.boxes[name], self.workflow.states[name]
        is_current = name == self.current
        flags = {"wf-final": state.final, "wf-initial": name == self.workflow.initial, "wf-current": is_current}
        classes = " ".join(["wf-node"] + [css for css, on in flags.items() if on])
        parts = [f'<g class="{classes}" data-state="{escape(name)}">',
                 self.rect((box.x, box.y, box.width, box.height), "wf-box", CURRENT_FILL if is_current else WHITE,
                           3 if is_current else 1.5)]
        if state.final:
            parts.append(self.rect((box.x + 4, box.y + 4, box.width - 8, box.height - 8), "wf-inner", "none", 1.2, 5))
        return "".join(parts + [self.text(box.lines, box.cx, box.y, is_current), "</g>"])

    def notes(self) -> list[str]:
        """Transitions leaving every non-final state, as dashed boxes under the diagram."""
        graph, parts, next_x = self.graph, [], float("-inf")
        top = graph.rows[-1][1] + V_GAP
        for note in sorted(graph.notes, key=lambda n: graph.boxes[n.target].cx):
            target = graph.boxes[note.target]
            lines = ["Depuis tout état non final :",
                     *wrap(f"{note.label} → {self.workflow.state_label(note.target)}", NOTE_CHARS)]
            width = max(len(line) for line in lines) * CHAR_WIDTH + 2 * PAD_X
            x, next_x = max(target.cx - width / 2, next_x), max(target.cx - width / 2, next_x) + width + H_GAP
            if target.layer == len(graph.layers) - 1:
                start, end = (x + width / 2, top), (target.cx, target.bottom)
                d = f"M{_xy(start)} C{_xy((start[0], end[1] + 20))} {_xy((end[0], start[1] - 20))} {_xy(end)}"
                parts.append(self.path(d, note.label, [start, end], "wf-edge wf-note-link", DASHED))
            parts += ['<g class="wf-note">', self.rect((x, top, width, len(lines) * LINE_HEIGHT + 2 * PAD_Y),
                                                       "wf-note-box", NOTE_FILL, 1.2, 4, DASHED),
                      self.text(lines, x + width / 2, top), "</g>"]
        return parts

    def initial_marker(self) -> str:
        box = self.graph.boxes[self.workflow.initial]
        dot = (box.cx, box.y - INITIAL_REACH + 6)
        self.include([(dot[0] - 6, dot[1] - 6), (dot[0] + 6, dot[1])])
        return (f'<g class="wf-start"><circle cx="{_n(dot[0])}" cy="{_n(dot[1])}" r="6" fill="{BLUE}"/>'
                + self.path(f"M{_xy(dot)} L{_xy((box.cx, box.y))}", "Début", [dot], "wf-edge wf-start-arrow")
                + "</g>")


def _id_prefix(workflow: Workflow, current: str | None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(workflow.name).lower()).strip("-") or "workflow"
    return f"wf-{slug}-{hashlib.sha256(f'{workflow.digest}|{current}'.encode()).hexdigest()[:8]}"


def _description(workflow: Workflow) -> str:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count > 1 else ''}"
    finals = ", ".join(f"« {state.label} »" for state in workflow.states.values() if state.final)
    return (f"{plural(len(workflow.states), 'état')} et {plural(len(workflow.transitions), 'transition')}, "
            f"de l'état initial « {workflow.state_label(workflow.initial)} » aux états finaux : {finals}. "
            "Le tableau à côté du schéma détaille chaque transition.")


def render_svg(workflow: Workflow, current: str | None = None, *, id_prefix: str | None = None) -> Markup:
    """The workflow as an accessible inline SVG, the `current` state highlighted."""
    graph = _layout(workflow, current)
    prefix = escape(id_prefix or _id_prefix(workflow, current))
    drawing = _Drawing(workflow, graph, current, prefix)
    ports = _ports(graph)
    edges = [drawing.chain(chain, label, ports) for chain, label in graph.chains]
    edges += drawing.back_edges() + [drawing.loop(name, label) for name, label in graph.loops.items()]
    nodes = [drawing.node(name) for name in workflow.states]
    extras = [drawing.initial_marker(), *drawing.notes()]
    title = f"Schéma du cycle de traitement « {workflow.label} »"
    title += f" — état actuel : {workflow.state_label(current)}" if current else ""
    return Markup(  # safe: every text in the drawing is escaped  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wf-diagram" role="img" aria-labelledby="{prefix}-title" '
        f'aria-describedby="{prefix}-desc" width="100%" viewBox="{drawing.view_box()}" '
        f'preserveAspectRatio="xMidYMin meet" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">'
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">'
        f'{escape(_description(workflow))}</desc><defs><marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="10" '
        f'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{BLUE}"/></marker></defs><g class="wf-edges">{"".join(edges)}</g>'
        f'<g class="wf-nodes">{"".join(nodes)}</g>{"".join(extras)}</svg>')
