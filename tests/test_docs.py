"""The docs test machinery (tests/docs_blocks.py) and a guard over every page's code fences.

The blocks themselves run as their own test items (``docs/<page>.md::L<line>[<backend>]``); here we
check that nothing on a page escapes them, and that the parser and runner do what pages rely on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docs_blocks import (
    PYTHON_FENCE_RE,
    Block,
    DocsSyntaxError,
    Outcome,
    PageRun,
    check,
    parse_page,
    to_torch,
)

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").rglob("*.md"))

# Opening fences that look like Python but are not the one spelling the collector runs.
PYTHONISH_FENCE_RE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*py.*$", re.I | re.M)


def md(text: str) -> str:
    """Fixture markdown: ''' stands for a code fence, so the fixtures stay readable here."""
    return text.replace("'''", "```")


# --- the guard over real pages ------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_fence_is_collected(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    bad = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group().strip()}"
        for m in PYTHONISH_FENCE_RE.finditer(text)
        if m.group().strip() != "```python"
    ]
    assert not bad, "write a bare ```python fence:\n" + "\n".join(bad)
    page = parse_page(text)
    fences = len(PYTHON_FENCE_RE.findall(text))
    assert fences == len(page.blocks) + len(page.snippet_lines), (
        f"{fences} ```python fences, but {len(page.blocks)} blocks and "
        f"{len(page.snippet_lines)} source excerpts collected"
    )


def test_pages_are_found() -> None:
    assert ROOT / "docs" / "index.md" in PAGES


# --- the parser ---------------------------------------------------------------------------------


def test_blocks_chains_and_outputs() -> None:
    page = parse_page(
        md(
            """# 标题

'''python
import picotorch as torch
x = 1
'''

<!--pytest-codeblocks:cont-->
'''python
print(x)
'''

<!--pytest-codeblocks:expected-output-->

'''text
1
'''

'''python
print("new namespace")
'''
<!--pytest-codeblocks:expected-output-->
'''text
new namespace
'''
"""
        )
    )
    assert [(b.lineno, b.chain, b.cont, b.expected) for b in page.blocks] == [
        (3, 0, False, None),
        (9, 0, True, "1\n"),
        (19, 1, False, "new namespace\n"),
    ]
    assert page.blocks[0].source == "import picotorch as torch\nx = 1\n"


def test_source_excerpts_are_not_run_and_keep_the_chain() -> None:
    page = parse_page(
        md(
            """'''python
a = 1
'''

'''python
--8<-- "src/picotorch/_ops/shape.py:cat"
'''

<!--pytest-codeblocks:cont-->
'''python
b = a
'''
"""
        )
    )
    assert page.snippet_lines == [5]
    assert [(b.lineno, b.chain) for b in page.blocks] == [(1, 0), (10, 0)]


def test_picotorch_only_and_nested_fences() -> None:
    page = parse_page(
        md(
            """!!! note "内部"

    <!--pytest.mark.picotorch_only(reason="shows a picotorch internal")-->
    '''python
    import picotorch
    print(picotorch.__name__)
    '''

    <!--pytest-codeblocks:expected-output-->
    '''text
    picotorch
    '''
"""
        )
    )
    (block,) = page.blocks
    assert block.picotorch_only == "shows a picotorch internal"
    assert block.source == "import picotorch\nprint(picotorch.__name__)\n"
    assert block.expected == "picotorch\n"


def test_a_text_fence_without_the_marker_is_just_text() -> None:
    page = parse_page(md("'''python\na = 1\n'''\n\n'''text\nnot asserted\n'''\n"))
    assert page.blocks[0].expected is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("'''py\nx = 1\n'''\n", 1, "bare ```python"),
        ("'''python title=\"a.py\"\nx = 1\n'''\n", 1, "bare ```python"),
        ("~~~python\nx = 1\n~~~\n", 1, "bare ```python"),
        ("````python\nx = 1\n````\n", 1, "bare ```python"),
        ("'''pycon\n>>> 1\n'''\n", 1, "bare ```python"),
        ("'''Python3\nx = 1\n'''\n", 1, "bare ```python"),
        ("'''python\nx = 1\n", 1, "never closed"),
        ("<!--pytest-codeblocks:cont-->\n'''python\nx = 1\n'''\n", 2, "no earlier python"),
        ("<!--pytest-codeblocks:skip-->\n'''python\nx = 1\n'''\n", 1, "unknown marker"),
        ("<!--pytest.mark.picotorch_only-->\n'''python\nx\n'''\n", 1, "unknown marker"),
        ("<!--pytest.mark.picotorch_only(reason=\"\")-->\n'''python\nx\n'''\n", 1, "reason"),
        ("<!--pytest-codeblocks:cont-->\n\nSome prose.\n", 1, "followed by its code fence"),
        ("<!--pytest-codeblocks:cont-->\n", 1, "followed by its code fence"),
        (
            "'''python\nx\n'''\n<!--pytest-codeblocks:expected-output-->\n'''bash\nx\n'''\n",
            5,
            "```text",
        ),
        ("<!--pytest-codeblocks:expected-output-->\n'''text\nx\n'''\n", 2, "right after"),
        (
            "'''python\nx\n'''\n输出：\n<!--pytest-codeblocks:expected-output-->\n'''text\n1\n'''\n",
            6,
            "right after",
        ),
        (
            "'''python\nx\n'''\n<!--pytest-codeblocks:expected-output-->\n'''text\n1\n'''\n"
            "<!--pytest-codeblocks:expected-output-->\n'''text\n1\n'''\n",
            9,
            "right after",
        ),
        ("<!--pytest-codeblocks:expected-output-->\n'''python\nx\n'''\n", 2, "```text"),
        ("<!--pytest-codeblocks:cont-->\n'''python\n--8<-- \"a.py:b\"\n'''\n", 2, "no marker"),
        ("'''python\n--8<-- \"a.py:b\"\nx = 1\n'''\n", 1, "mixes"),
        ("<!--pytest-codeblocks:cont-->\n'''bash\nls\n'''\n", 2, "not ```bash"),
        (
            "'''python\nx\n'''\n<!--pytest-codeblocks:cont-->\n<!--pytest-codeblocks:cont-->\n",
            5,
            "twice",
        ),
    ],
)
def test_misuse_is_reported_with_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(DocsSyntaxError, match=re.escape(message)) as info:
        parse_page(md(text))
    assert info.value.lineno == line


# --- running blocks -----------------------------------------------------------------------------


def run_page(tmp_path: Path, text: str, backend: str) -> list[tuple[Block, Outcome]]:
    path = tmp_path / "page.md"
    path.write_text(md(text), encoding="utf-8")
    page = parse_page(path.read_text(encoding="utf-8"))
    run = PageRun(path, page, backend)
    return [(b, run.outcome(b)) for b in page.blocks if run.runs(b)]


def test_to_torch() -> None:
    assert to_torch("import picotorch as torch\nx = torch.ones(2)\n") == (
        "import torch\nx = torch.ones(2)\n"
    )
    assert to_torch("import picotorch.nn as nn\n") == "import torch.nn as nn\n"
    assert to_torch("    from picotorch.utils.data import DataLoader\n") == (
        "    from torch.utils.data import DataLoader\n"
    )
    assert to_torch("import picotorch as torch  # 导入\n") == "import torch  # 导入\n"
    assert to_torch('print("picotorch")  # picotorch\n') == 'print("picotorch")  # picotorch\n'
    for other in ("import picotorch\nx = picotorch.ones(1)\n", "import numpy, picotorch\n"):
        with pytest.raises(ValueError, match="picotorch_only"):
            to_torch(other)


@pytest.mark.parametrize("backend", ["picotorch", "torch"])
def test_chains_share_a_namespace_and_run_as_main(tmp_path: Path, backend: str) -> None:
    results = run_page(
        tmp_path,
        """'''python
x = 2
'''

<!--pytest-codeblocks:cont-->
'''python
print(x * 3, __name__)
'''

'''python
print("x" in globals())
'''
""",
        backend,
    )
    assert [outcome.stdout for _, outcome in results] == ["", "6 __main__\n", "False\n"]


def test_a_failed_block_stops_its_chain_only(tmp_path: Path) -> None:
    results = run_page(
        tmp_path,
        """'''python
x = 1 / 0
'''

<!--pytest-codeblocks:cont-->
'''python
print(x)
'''

'''python
print("other chain")
'''
""",
        "picotorch",
    )
    errors = [outcome.error for _, outcome in results]
    assert errors[0] is not None and "ZeroDivisionError" in errors[0]
    assert 'page.md", line 2' in errors[0]  # the traceback points into the page
    assert errors[1] == "previous block failed (line 1), not run"
    assert errors[2] is None and results[2][1].stdout == "other chain\n"


def test_picotorch_only_blocks_are_skipped_under_torch(tmp_path: Path) -> None:
    text = """'''python
x = 1
'''

<!--pytest.mark.picotorch_only(reason="internals")-->
<!--pytest-codeblocks:cont-->
'''python
print(x)
'''
<!--pytest-codeblocks:expected-output-->
'''text
1
'''
"""
    assert [b.lineno for b, _ in run_page(tmp_path, text, "torch")] == [1]
    block, outcome = run_page(tmp_path, text, "picotorch")[1]
    assert check(block, outcome, "picotorch") is None


def test_torch_runs_the_translated_block(tmp_path: Path) -> None:
    ((block, outcome),) = run_page(
        tmp_path,
        """'''python
import picotorch as torch
print(torch.__name__)
'''
<!--pytest-codeblocks:expected-output-->
'''text
picotorch
'''
""",
        "torch",
    )
    assert outcome.stdout == "torch\n"
    problem = check(block, outcome, "torch")
    assert problem is not None
    assert "-picotorch\n+torch\n" in problem


def test_unasserted_output_fails(tmp_path: Path) -> None:
    ((block, outcome),) = run_page(tmp_path, "'''python\nprint('surprise')\n'''\n", "torch")
    problem = check(block, outcome, "torch")
    assert problem is not None and problem.startswith("the block printed output")


def test_whitespace_differences_are_made_visible() -> None:
    block = Block(1, "", 0, expected="a\n")
    problem = check(block, Outcome("a \n"), "torch")
    assert problem is not None and "'a \\n'" in problem


def test_print_options_are_reset_between_pages(tmp_path: Path) -> None:
    import torch

    run_page(
        tmp_path, "'''python\nimport torch\ntorch.set_printoptions(precision=1)\n'''\n", "torch"
    )
    assert str(torch.tensor([1 / 3])) == "tensor([0.3])"
    run_page(tmp_path, "'''python\nx = 1\n'''\n", "torch")
    assert str(torch.tensor([1 / 3])) == "tensor([0.3333])"


# --- the pytest items ---------------------------------------------------------------------------


def test_pages_become_test_items(pytester: pytest.Pytester) -> None:
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "page.md").write_text(
        md(
            """'''python
print("hi")
'''
<!--pytest-codeblocks:expected-output-->
'''text
hello
'''

<!--pytest-codeblocks:cont-->
'''python
y = 1 / 0
'''

<!--pytest-codeblocks:cont-->
'''python
print(y)
'''
"""
        ),
        encoding="utf-8",
    )
    result = pytester.runpytest("-p", "docs_blocks", "-p", "no:cacheprovider", "-v", "docs")
    result.stdout.fnmatch_lines(
        [
            "docs/page.md::L1[[]picotorch[]] FAILED*",
            "docs/page.md::L10[[]picotorch[]] FAILED*",
            "docs/page.md::L15[[]picotorch[]] FAILED*",
            "docs/page.md::L1[[]torch[]] FAILED*",
            "*output differs from the page*",
            "*-hello",
            "*+hi",
            "*block at docs/page.md:1, picotorch*",
            "*ZeroDivisionError*",
            '*File "*page.md", line 11*',
            "*previous block failed (line 10), not run*",
        ]
    )
    result.assert_outcomes(failed=6)
