"""Run every code block of the docs pages as a test, under picotorch and under real torch.

pytest-codeblocks cannot chain blocks that each have their own expected output, so this is a small
collector of our own that reads the same comment markers. What a page may contain:

- A bare ```` ```python ```` fence is a block to run. It starts a fresh namespace, unless the line
  before it is ``<!--pytest-codeblocks:cont-->``: then it continues the namespace of the previous
  python block of the page.
- ``<!--pytest-codeblocks:expected-output-->`` followed by a ```` ```text ```` fence, placed right
  after a python block (only blank lines between), is that block's exact stdout. A block without
  one must print nothing.
- A python fence holding nothing but ``--8<-- "path:section"`` lines is a source excerpt
  (pymdownx.snippets): it is shown, not run.
- ``<!--pytest.mark.picotorch_only(reason="…")-->`` before a python block: it shows picotorch
  internals, so it runs under picotorch only.
- Markers may be separated from their fence by blank lines, and stack (one per line).

Under torch a block runs with ``import picotorch as torch`` → ``import torch``,
``import picotorch.x`` → ``import torch.x`` and ``from picotorch…`` → ``from torch…``; any other
use of the name ``picotorch`` is an error.

Every block of a page runs in page order (selecting one with ``-k`` first runs those above it), so
a page behaves as it does for a reader who runs it from the top. Each page and backend makes one
test per block, ``docs/tensors.md::L42[picotorch]`` (42: the line of its opening fence). pyproject
loads this module as a plugin (``-p docs_blocks``), so ``pytest docs/tensors.md`` works too.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import io
import re
import tokenize
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BACKENDS = ("picotorch", "torch")

FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MARKER_RE = re.compile(r"^[ \t]*<!--\s*(?P<body>pytest.*?)\s*-->[ \t]*$")
PICOTORCH_ONLY_RE = re.compile(
    r"^pytest\.mark\.picotorch_only\(\s*reason\s*=\s*(?P<q>[\"'])(?P<reason>.*?)(?P=q)\s*\)$"
)
SNIPPET_RE = re.compile(r"^--8<--\s+([\"']).+\1\s*$")

CONT = "pytest-codeblocks:cont"
EXPECTED = "pytest-codeblocks:expected-output"
MARKERS_HELP = f'<!--{CONT}-->, <!--{EXPECTED}-->, <!--pytest.mark.picotorch_only(reason="…")-->'

# Counted by a plain regex in test_docs.py, as a check on this parser.
PYTHON_FENCE_RE = re.compile(r"^[ \t]*```python[ \t]*$", re.MULTILINE)


class DocsSyntaxError(Exception):
    """A page breaks the code block conventions; ``lineno`` is 1-based."""

    def __init__(self, lineno: int, message: str) -> None:
        super().__init__(f"{lineno}: {message}")  # reads as page.md:12: message
        self.lineno = lineno


@dataclass
class Block:
    lineno: int  # the opening fence's line, 1-based
    source: str
    chain: int  # blocks of one chain share a namespace
    cont: bool = False
    expected: str | None = None
    picotorch_only: str | None = None  # the reason


@dataclass
class Page:
    blocks: list[Block] = field(default_factory=list)
    snippet_lines: list[int] = field(default_factory=list)  # source excerpts, not run


@dataclass
class _Marker:
    lineno: int
    kind: str  # CONT, EXPECTED or "picotorch_only"
    reason: str | None = None


def _parse_marker(lineno: int, body: str) -> _Marker:
    if body in (CONT, EXPECTED):
        return _Marker(lineno, body)
    m = PICOTORCH_ONLY_RE.match(body)
    if m:
        if not m["reason"].strip():
            raise DocsSyntaxError(lineno, "picotorch_only needs a non-empty reason")
        return _Marker(lineno, "picotorch_only", m["reason"])
    raise DocsSyntaxError(lineno, f"unknown marker <!--{body}-->; the markers are {MARKERS_HELP}")


def _dedent(lines: list[str], indent: str) -> list[str]:
    """Strip a nested fence's indentation (inside an admonition or a tab) from its content."""
    return [
        line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t") for line in lines
    ]


def parse_page(text: str) -> Page:
    """Find the python blocks of a page, with their markers; raise DocsSyntaxError on misuse."""
    page = Page()
    lines = text.splitlines()
    markers: list[_Marker] = []
    # The last runnable python block, if nothing but blank lines and markers came after it.
    adjacent: Block | None = None
    chain = -1
    i = 0
    while i < len(lines):
        line = lines[i]
        lineno = i + 1
        if m := MARKER_RE.match(line):
            marker = _parse_marker(lineno, m["body"])
            if any(old.kind == marker.kind for old in markers):
                raise DocsSyntaxError(lineno, f"marker {marker.kind} given twice for one block")
            markers.append(marker)
            i += 1
            continue
        fence = FENCE_RE.match(line)
        if not fence:
            if line.strip():
                if markers:
                    raise DocsSyntaxError(
                        markers[0].lineno, "a marker must be followed by its code fence"
                    )
                adjacent = None
            i += 1
            continue

        indent, ticks, info = fence["indent"], fence["fence"], fence["info"].strip()
        closing = re.compile(rf"^[ \t]*{re.escape(ticks[0])}{{{len(ticks)},}}[ \t]*$")
        end = i + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        if end == len(lines):
            raise DocsSyntaxError(lineno, f"code fence {ticks}{info} is never closed")
        content = _dedent(lines[i + 1 : end], indent)
        kinds = {marker.kind for marker in markers}
        is_python = ticks == "```" and info == "python"

        if not is_python and info.lower().startswith("py"):
            raise DocsSyntaxError(
                lineno,
                f"code fence {ticks}{info}: write a bare ```python fence (the docs tests run "
                "only those)",
            )
        excerpt = [c for c in content if c.strip()]
        if is_python and excerpt and all(SNIPPET_RE.match(c) for c in excerpt):
            if markers:
                raise DocsSyntaxError(lineno, "a source excerpt (--8<--) takes no marker")
            page.snippet_lines.append(lineno)
            # An excerpt shown between two blocks does not separate an output from its block.
            adjacent = None
        elif is_python:
            if any(SNIPPET_RE.match(c) for c in content):
                raise DocsSyntaxError(lineno, "a python block mixes --8<-- includes with code")
            if EXPECTED in kinds:
                raise DocsSyntaxError(lineno, "expected-output must precede a ```text fence")
            cont = CONT in kinds
            if cont and not page.blocks:
                raise DocsSyntaxError(lineno, "cont, but no earlier python block to continue")
            if not cont:
                chain += 1
            reason = next((m.reason for m in markers if m.kind == "picotorch_only"), None)
            block = Block(lineno, "\n".join(content) + "\n", chain, cont, picotorch_only=reason)
            page.blocks.append(block)
            adjacent = block
        elif EXPECTED in kinds:
            if info != "text" or ticks != "```":
                raise DocsSyntaxError(lineno, "expected-output must be followed by a ```text fence")
            if len(markers) > 1:
                raise DocsSyntaxError(lineno, "an expected-output block takes no other marker")
            if adjacent is None or adjacent.expected is not None:
                raise DocsSyntaxError(
                    lineno, "expected-output must come right after its python block"
                )
            adjacent.expected = "".join(c + "\n" for c in content)
            adjacent = None
        elif markers:
            raise DocsSyntaxError(lineno, f"markers are for ```python fences, not {ticks}{info}")
        else:
            adjacent = None
        markers = []
        i = end + 1
    if markers:
        raise DocsSyntaxError(markers[0].lineno, "a marker must be followed by its code fence")
    return page


# --- running blocks ---------------------------------------------------------------------------

_IMPORT_RE = re.compile(
    r"^(?P<lead>[ \t]*)import picotorch(?P<alias> as torch\b)?(?=[.\s]|$)", re.M
)
_FROM_RE = re.compile(r"^(?P<lead>[ \t]*)from picotorch(?=[.\s])", re.M)


def to_torch(source: str, fence_line: int = 0) -> str:
    """The block as it runs under real torch; ValueError if it uses picotorch another way.

    ``fence_line`` is the page line of the block's opening fence, for the error message.
    """
    torch_source = _FROM_RE.sub(
        r"\g<lead>from torch", _IMPORT_RE.sub(r"\g<lead>import torch", source)
    )
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(torch_source).readline))
    except (tokenize.TokenError, SyntaxError):
        return torch_source  # running it reports the syntax error
    for tok in tokens:
        if tok.type == tokenize.NAME and tok.string == "picotorch":
            raise ValueError(
                f"line {fence_line + tok.start[0]} uses picotorch in a way the torch run cannot "
                f"replace: {tok.line.strip()!r}. Write `import picotorch as torch`, "
                "`import picotorch.x as y` or `from picotorch… import …`, or mark the block "
                "picotorch_only."
            )
    return torch_source


def reset_globals(backend: str) -> None:
    """Put back the library-wide settings a page may have changed (seeding is the page's job)."""
    try:
        lib = importlib.import_module(backend)
    except Exception:
        return  # the page's own import fails too, and its test says why
    # picotorch grows these as it goes; torch has them all.
    if hasattr(lib, "set_printoptions"):
        lib.set_printoptions(profile="default")
    if hasattr(lib, "set_default_dtype") and hasattr(lib, "float32"):
        lib.set_default_dtype(lib.float32)
    if hasattr(lib, "set_grad_enabled"):
        lib.set_grad_enabled(True)


@dataclass
class Outcome:
    stdout: str
    error: str | None = None  # the formatted traceback, when the block raised


class PageRun:
    """One page under one backend: the namespaces of its chains and what each block did."""

    def __init__(self, path: Path, page: Page, backend: str) -> None:
        self.path = path
        self.page = page
        self.backend = backend
        self.namespaces: dict[int, dict[str, object]] = {}
        self.outcomes: dict[int, Outcome] = {}
        reset_globals(backend)

    def runs(self, block: Block) -> bool:
        return self.backend == "picotorch" or block.picotorch_only is None

    def outcome(self, block: Block) -> Outcome:
        """Run every block above ``block`` not run yet, then ``block``, in page order."""
        for earlier in self.page.blocks:
            if self.runs(earlier) and earlier.lineno not in self.outcomes:
                self.outcomes[earlier.lineno] = self._run(earlier)
            if earlier is block:
                break
        return self.outcomes[block.lineno]

    def _run(self, block: Block) -> Outcome:
        for earlier in self.page.blocks:
            if earlier is block:
                break
            failed = self.outcomes.get(earlier.lineno)
            if earlier.chain == block.chain and failed is not None and failed.error is not None:
                return Outcome("", f"previous block failed (line {earlier.lineno}), not run")
        source = block.source
        if self.backend == "torch":
            try:
                source = to_torch(source, block.lineno)
            except ValueError as exc:
                return Outcome("", str(exc))
        namespace = self.namespaces.setdefault(block.chain, {"__name__": "__main__"})
        stdout = io.StringIO()
        try:
            # Padding puts the code on its lines of the page, so tracebacks point into the page.
            code = compile("\n" * block.lineno + source, str(self.path), "exec")
            with contextlib.redirect_stdout(stdout):
                exec(code, namespace)
        except Exception as exc:
            # Drop this frame: the traceback starts in the block (or is a SyntaxError's alone).
            lines = traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next)
            return Outcome(stdout.getvalue(), "".join(lines))
        return Outcome(stdout.getvalue())


def check(block: Block, outcome: Outcome, backend: str) -> str | None:
    """What is wrong with what the block did, or None."""
    if outcome.error is not None:
        # A traceback's last line (the exception) first: pytest's one-line summary shows it.
        last = outcome.error.rstrip().splitlines()[-1]
        return outcome.error if last == outcome.error else f"{last}\n\n{outcome.error}"
    expected = block.expected if block.expected is not None else ""
    if outcome.stdout == expected:
        return None
    if block.expected is None:
        return (
            "the block printed output but has no expected-output block; show it after "
            f"<!--{EXPECTED}--> in a ```text fence:\n{outcome.stdout}"
        )
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True),
        outcome.stdout.splitlines(keepends=True),
        fromfile="expected (the page)",
        tofile=f"actual ({backend})",
    )
    message = "output differs from the page:\n" + "".join(diff)
    if expected.split() == outcome.stdout.split():
        message += f"\n(whitespace only)\nexpected: {expected!r}\nactual:   {outcome.stdout!r}"
    return message


# --- pytest nodes -------------------------------------------------------------------------------


class DocsBlockFailure(Exception):
    """A block raised or printed something other than its expected output."""


class DocsPage(pytest.File):
    def collect(self) -> Iterator[DocsBlock]:
        self.page = parse_page(self.path.read_text(encoding="utf-8"))
        self.runs: dict[str, PageRun] = {}
        for backend in BACKENDS:
            for block in self.page.blocks:
                if backend == "torch" and block.picotorch_only is not None:
                    continue
                item = DocsBlock.from_parent(
                    self, name=f"L{block.lineno}[{backend}]", block=block, backend=backend
                )
                if block.picotorch_only is not None:
                    item.add_marker(pytest.mark.picotorch_only(reason=block.picotorch_only))
                yield item

    def run_for(self, backend: str) -> PageRun:
        if backend not in self.runs:
            self.runs[backend] = PageRun(self.path, self.page, backend)
        return self.runs[backend]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> object:
        if isinstance(excinfo.value, DocsSyntaxError):
            return f"{self.path.relative_to(self.config.rootpath)}:{excinfo.value}"
        return super().repr_failure(excinfo)


class DocsBlock(pytest.Item):
    def __init__(self, *, block: Block, backend: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.block = block
        self.backend = backend

    def runtest(self) -> None:
        assert isinstance(self.parent, DocsPage)
        outcome = self.parent.run_for(self.backend).outcome(self.block)
        problem = check(self.block, outcome, self.backend)
        if problem is not None:
            raise DocsBlockFailure(problem)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> object:
        if isinstance(excinfo.value, DocsBlockFailure):
            where = self.path.relative_to(self.config.rootpath)
            return f"{excinfo.value}\n\n(block at {where}:{self.block.lineno}, {self.backend})"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.lineno - 1, self.name


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DocsPage | None:
    """Collect ``docs/**/*.md``."""
    if file_path.suffix == ".md" and parent.config.rootpath / "docs" in file_path.parents:
        return DocsPage.from_parent(parent, path=file_path)
    return None
