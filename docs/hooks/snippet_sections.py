"""Fail the build on a source excerpt whose section is not closed exactly once.

With ``check_paths: true`` pymdownx.snippets already fails on a missing file or a missing section,
but a ``# --8<-- [start:name]`` without its ``[end:name]`` silently includes the rest of the file,
and a name used twice includes both parts. This hook checks every ``--8<-- "path:name"`` a page
includes.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

INCLUDE_RE = re.compile(
    r"^[ \t]*--8<--[ \t]+([\"'])(?P<path>[^\"':]+):(?P<name>[a-z][-_0-9a-z]*)\1", re.M
)


def _markers(text: str, kind: str, name: str) -> list[int]:
    """Where ``# --8<-- [start:name]`` (or ``end``) markers are in a source file."""
    marker = rf"--8<--\s*\[\s*{kind}\s*:\s*{re.escape(name)}\s*\]"
    return [m.start() for m in re.finditer(marker, text)]


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    root = Path(config.config_file_path).parent
    for m in INCLUDE_RE.finditer(markdown):
        path, name = m["path"], m["name"]
        source = root / path
        if not source.is_file():
            continue  # pymdownx.snippets reports a missing file itself
        text = source.read_text(encoding="utf-8")
        starts, ends = _markers(text, "start", name), _markers(text, "end", name)
        if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
            raise PluginError(
                f"{page.file.src_uri} includes section '{name}' of {path}, which needs exactly one "
                f"'# --8<-- [start:{name}]' followed by one '# --8<-- [end:{name}]' "
                f"(found {len(starts)} start, {len(ends)} end)"
            )
    return markdown
