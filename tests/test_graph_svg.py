"""The autograd graph drawer (docs/hooks/autograd_graph.py) and the picture it adds to the site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from site_hooks import load_hook

import picotorch

pytest.importorskip("mkdocs", reason="the hook imports mkdocs; `nox -s tests` installs it")


ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


graph = load_hook("autograd_graph")


def q_example(torch: ModuleType) -> tuple[object, dict[int, str]]:
    """The page's example, Q = 3*a**3 - b**2: its root node and the leaves' names."""
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    q = 3 * a**3 - b**2
    return q.grad_fn, {id(a): "a", id(b): "b"}


def shared_example(torch: ModuleType) -> tuple[object, dict[int, str]]:
    """A graph with shared nodes: x is used twice by one product, whose result y is used by two
    ops; the constant c needs no gradient (a None entry in next_functions)."""
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    c = torch.tensor([2.0, 3.0])
    y = x * x
    z = (y.exp() + y) * c
    return z.grad_fn, {id(x): "x"}


def reachable(root: object) -> list[object]:
    """The distinct nodes below root, found independently of the drawer."""
    found: list[object] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if any(node is seen for seen in found):
            continue
        found.append(node)
        stack += [n for n, _ in node.next_functions if n is not None]
    return found


def boxes(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    return [g for g in root.iter(f"{SVG}g") if g.get("class") in ("node", "leaf")]


def box_texts(box: ET.Element) -> list[str]:
    return [t.text or "" for t in box.iter(f"{SVG}text")]


def short_name(node: object) -> str:
    return node.name().removeprefix("torch::autograd::")


@pytest.mark.parametrize("example", [q_example, shared_example])
def test_one_box_per_node_labelled_with_its_name(example) -> None:
    root, names = example(picotorch)
    nodes = reachable(root)
    svg = graph.draw(root, names)
    drawn = boxes(svg)
    assert len(drawn) == len(nodes)
    assert all(len(list(box.iter(f"{SVG}rect"))) == 1 for box in drawn)
    assert sorted(box_texts(box)[0] for box in drawn) == sorted(short_name(n) for n in nodes)


def test_shared_nodes_are_drawn_once() -> None:
    root, names = shared_example(picotorch)
    labels = [box_texts(box)[0] for box in boxes(graph.draw(root, names))]
    assert sorted(labels) == [
        "AccumulateGrad",
        "AddBackward0",
        "ExpBackward0",
        "MulBackward0",
        "MulBackward0",
    ]


@pytest.mark.parametrize("example", [q_example, shared_example])
def test_one_arrow_per_next_function(example) -> None:
    root, names = example(picotorch)
    edges = sum(n is not None for node in reachable(root) for n, _ in node.next_functions)
    lines = ET.fromstring(graph.draw(root, names)).iter(f"{SVG}line")
    assert sum(line.get("class") == "edge" for line in lines) == edges


def test_known_graph_counts() -> None:
    # Q: Sub, Mul, Pow (a), Pow (b), and one AccumulateGrad per leaf; the constant 3 has no edge
    root, names = q_example(picotorch)
    svg = graph.draw(root, names)
    assert len(boxes(svg)) == 6
    assert svg.count('class="edge"') == 5
    # x*x gives two edges into the one AccumulateGrad of x; y feeds both exp and add
    root, names = shared_example(picotorch)
    svg = graph.draw(root, names)
    assert len(boxes(svg)) == 5
    assert svg.count('class="edge"') == 6


def test_leaves_are_named_with_their_shape() -> None:
    root, names = q_example(picotorch)
    leaves = [box_texts(b) for b in boxes(graph.draw(root, names)) if b.get("class") == "leaf"]
    assert sorted(leaves) == [
        ["AccumulateGrad", "a: shape [2]"],
        ["AccumulateGrad", "b: shape [2]"],
    ]


def rects(svg: str) -> dict[str, list[tuple[float, float, float, float]]]:
    """(x, y, width, height) of each box, by kind."""
    out: dict[str, list[tuple[float, float, float, float]]] = {"node": [], "leaf": []}
    for box in boxes(svg):
        r = next(box.iter(f"{SVG}rect"))
        out[box.get("class")].append(
            tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[misc]
        )
    return out


@pytest.mark.parametrize("example", [q_example, shared_example])
def test_layout_root_on_top_leaves_at_bottom_arrows_down(example) -> None:
    root, names = example(picotorch)
    svg = graph.draw(root, names)
    kinds = rects(svg)
    every = kinds["node"] + kinds["leaf"]
    top = min(y for _, y, _, _ in every)
    # the root's node alone on the top row, the leaves' nodes together on the bottom row
    assert [y for _, y, _, _ in every].count(top) == 1
    root_box = next(b for b in boxes(svg) if box_texts(b)[0] == root.name())
    assert float(next(root_box.iter(f"{SVG}rect")).get("y")) == top
    bottom = max(y for _, y, _, _ in every)
    assert {y for _, y, _, _ in kinds["leaf"]} == {bottom}
    # no two boxes overlap
    for i, (x1, y1, w1, h1) in enumerate(every):
        for x2, y2, w2, h2 in every[i + 1 :]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    # every arrow points down, from the gradient's source to where it flows
    for line in ET.fromstring(svg).iter(f"{SVG}line"):
        assert float(line.get("y2")) > float(line.get("y1"))
    # everything fits inside the picture
    svg_root = ET.fromstring(svg)
    width, height = float(svg_root.get("width")), float(svg_root.get("height"))
    assert all(x >= 0 and y >= 0 and x + w <= width and y + h <= height for x, y, w, h in every)


def test_output_is_deterministic() -> None:
    first = graph.draw(*q_example(picotorch))
    assert graph.draw(*q_example(picotorch)) == first  # a new graph: new objects, same picture
    assert graph.q_example_svg() == graph.q_example_svg()
    assert not re.search(r"0x[0-9a-f]{6,}", first)  # no object addresses


def test_torch_draws_the_same_picture() -> None:
    import torch

    for example in (q_example, shared_example):
        assert graph.draw(*example(torch)) == graph.draw(*example(picotorch))


def test_page_example_is_the_hooks_example() -> None:
    # the hook draws the graph of the page's Q; if the page's example changes, so must the hook
    page = (ROOT / "docs" / "autograd.md").read_text(encoding="utf-8")
    assert "Q = 3*a**3 - b**2" in page
    assert "a = torch.tensor([2., 3.], requires_grad=True)" in page
    assert "b = torch.tensor([6., 4.], requires_grad=True)" in page
    assert f"]({graph.SVG_URI})" in page


def test_site_contains_the_graph(site: Path) -> None:
    built = site / graph.SVG_URI
    assert built.is_file(), f"{graph.SVG_URI} is not in the built site"
    assert built.read_text(encoding="utf-8") == graph.q_example_svg()
    page = (site / "autograd" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<img [^>]*src="\.\./' + re.escape(graph.SVG_URI) + '"', page)
