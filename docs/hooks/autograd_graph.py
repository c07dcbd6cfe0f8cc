"""Draw the autograd graph of the 自动求导 page's example as SVG, at build time.

The picture is not drawn by hand: ``on_files`` runs the page's example with picotorch, walks the
real graph from ``Q.grad_fn`` through ``next_functions`` and adds the SVG to the site as a
generated file (``images/autograd-q-graph.svg``), so ``mkdocs build --strict`` checks the page's
link to it like any other. Nothing but the standard library draws it: no graphviz, no CDN.

Layout: one row per layer, the root's node at the top and the leaves' ``AccumulateGrad`` nodes at
the bottom; arrows point the way ``next_functions`` (and the gradient) go. The same graph always
gives the same bytes: nothing depends on object addresses or on the clock.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

SVG_URI = "images/autograd-q-graph.svg"

# Geometry, in px. Labels are monospace, so a line's width follows from its length.
FONT_SIZE = 14
CHAR_WIDTH = 0.6 * FONT_SIZE  # the advance of one monospace character, about 0.6 em
LINE_HEIGHT = 18
PAD_X, PAD_Y = 12, 8  # inside a box, around its text
GAP_X, GAP_Y = 28, 44  # between boxes side by side, between rows
MARGIN = 12

# Filled boxes with dark text read on Material's light and dark (slate) backgrounds alike; the
# arrows are a grey that shows on both.
STYLE = f"""
text {{ font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: {FONT_SIZE}px; fill: #1a1c1e; text-anchor: middle; dominant-baseline: central; }}
.node rect {{ fill: #e8f0fe; stroke: #3b6fd4; stroke-width: 1.5; }}
.leaf rect {{ fill: #e6f4ea; stroke: #2e8b57; stroke-width: 1.5; }}
.leaf .detail {{ fill: #1e5c3a; }}
.edge {{ stroke: #8a8f98; stroke-width: 1.5; fill: none; }}
#arrow path {{ fill: #8a8f98; }}
"""


# --8<-- [start:walk]
def walk(root_fn: Any) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """Every node reachable from ``root_fn``, in the order first met, and every edge.

    An edge ``(node, next_node)`` is one entry of ``node.next_functions``; entries that are
    ``None`` (inputs that need no gradient, such as the constant 3 in ``3 * x``) are skipped.
    A node that several others use (a leaf used twice, say) is listed once.
    """
    nodes = [root_fn]
    seen = {root_fn}
    edges = []
    queue = [root_fn]  # breadth first, with a list as the queue: no recursion
    while queue:
        node = queue.pop(0)
        for next_node, _ in node.next_functions:
            if next_node is None:
                continue
            edges.append((node, next_node))
            if next_node not in seen:
                seen.add(next_node)
                nodes.append(next_node)
                queue.append(next_node)
    return nodes, edges


# --8<-- [end:walk]


def is_leaf_node(node: Any) -> bool:
    """An ``AccumulateGrad`` node: the one behind a leaf tensor (it has ``.variable``)."""
    return hasattr(node, "variable")


def label(node: Any, leaf_names: dict[int, str]) -> list[str]:
    """The lines written in a node's box: its name, and for a leaf's node the leaf's name and
    shape."""
    if not is_leaf_node(node):
        return [node.name()]
    variable = node.variable
    name = leaf_names.get(id(variable), "leaf")
    return ["AccumulateGrad", f"{name}: shape {list(variable.shape)}"]


def layers(nodes: list[Any], edges: list[tuple[Any, Any]]) -> list[list[Any]]:
    """Rows of nodes: each node one row below the lowest node that points at it, and the leaves'
    nodes all on the bottom row."""
    parents: dict[Any, list[Any]] = {node: [] for node in nodes}
    for parent, child in edges:
        parents[child].append(parent)
    depth: dict[Any, int] = {}
    pending = list(nodes)
    while pending:  # a node's depth is known once its parents' are (the graph has no cycle)
        waiting = []
        for node in pending:
            if all(p in depth for p in parents[node]):
                depth[node] = max((depth[p] + 1 for p in parents[node]), default=0)
            else:
                waiting.append(node)
        pending = waiting
    bottom = max(depth.values())
    rows: list[list[Any]] = [[] for _ in range(bottom + 1)]
    for node in nodes:  # in walk order, so rows start in a fixed order
        rows[bottom if is_leaf_node(node) else depth[node]].append(node)
    return [row for row in rows if row]


def place(rows: list[list[Any]], edges: list[tuple[Any, Any]], widths: dict[Any, float]) -> dict:
    """The centre x of each node: under the mean of its parents, without overlapping its row."""
    parents: dict[Any, list[Any]] = {}
    for parent, child in edges:
        parents.setdefault(child, []).append(parent)
    x: dict[Any, float] = {}
    for row in rows:
        wanted = {n: _mean([x[p] for p in parents.get(n, []) if p in x]) for n in row}
        row.sort(key=lambda n: wanted[n])  # stable: ties keep the walk order
        # left to right, push each box clear of the one before it
        right_edge = None
        for node in row:
            left = wanted[node] - widths[node] / 2
            if right_edge is not None:
                left = max(left, right_edge + GAP_X)
            x[node] = left + widths[node] / 2
            right_edge = left + widths[node]
        # then centre the row where its nodes wanted to be
        shift = _mean([wanted[n] for n in row]) - _mean([x[n] for n in row])
        for node in row:
            x[node] += shift
    return x


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def draw(root_fn: Any, leaf_names: dict[int, str] | None = None, title: str = "") -> str:
    """The graph below ``root_fn`` (a ``grad_fn``) as SVG text.

    ``leaf_names`` maps ``id(tensor)`` of leaf tensors to the names written in their boxes.
    """
    names = leaf_names or {}
    nodes, edges = walk(root_fn)
    rows = layers(nodes, edges)
    lines = {node: label(node, names) for node in nodes}
    # one width for every box: the rows then line up in columns, and edges run straight down
    box_width = max(len(t) for n in nodes for t in lines[n]) * CHAR_WIDTH + 2 * PAD_X
    widths = dict.fromkeys(nodes, box_width)
    heights = {n: len(lines[n]) * LINE_HEIGHT + 2 * PAD_Y for n in nodes}

    x = place(rows, edges, widths)
    row_height = [max(heights[n] for n in row) for row in rows]
    y_top = {}
    top = MARGIN
    for row, h in zip(rows, row_height, strict=True):
        for node in row:
            y_top[node] = top + (h - heights[node]) / 2
        top += h + GAP_Y
    # move everything right so the leftmost box starts at the margin
    dx = MARGIN - min(x[n] - widths[n] / 2 for n in nodes)
    for node in nodes:
        x[node] += dx
    width = max(x[n] + widths[n] / 2 for n in nodes) + MARGIN
    height = top - GAP_Y + MARGIN

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img">',
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out += [
        f"<style>{STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        "</defs>",
    ]
    # Edges first, so boxes are drawn over their ends. Several edges leaving one box start at
    # evenly spaced points along its bottom, so two edges to the same node stay apart.
    for node in nodes:
        mine = [child for parent, child in edges if parent is node]
        for i, child in enumerate(mine):
            x1 = x[node] + (i + 1 - (len(mine) + 1) / 2) * min(24, widths[node] / (len(mine) + 1))
            y1 = y_top[node] + heights[node]
            x2, y2 = x[child], y_top[child]
            out.append(
                f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                'marker-end="url(#arrow)"/>'
            )
    for node in nodes:
        kind = "leaf" if is_leaf_node(node) else "node"
        left, top_ = x[node] - widths[node] / 2, y_top[node]
        out.append(f'<g class="{kind}">')
        out.append(
            f'<rect x="{left:.1f}" y="{top_:.1f}" width="{widths[node]:.1f}" '
            f'height="{heights[node]:.1f}" rx="6"/>'
        )
        for i, text in enumerate(lines[node]):
            cls = ' class="detail"' if i else ""
            ty = top_ + PAD_Y + (i + 0.5) * LINE_HEIGHT
            out.append(f'<text{cls} x="{x[node]:.1f}" y="{ty:.1f}">{escape(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def q_example_svg() -> str:
    """The graph of the page's example ``Q = 3*a**3 - b**2``, built with picotorch."""
    import picotorch as torch

    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    q = 3 * a**3 - b**2
    title = "Q = 3*a**3 - b**2 的计算图"
    return draw(q.grad_fn, {id(a): "a", id(b): "b"}, title)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, SVG_URI, content=q_example_svg()))
    return files
