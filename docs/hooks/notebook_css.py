"""The notebook pages' stylesheet, cut down to what each page uses.

mkdocs-jupyter writes all of JupyterLab's CSS into every notebook page, inline: about 570 KB of
rules for widgets the page does not have, a hundred icons as data URIs and two colour palettes,
most of a notebook page's weight. A reader on a slow connection downloads it with every notebook
page. This hook keeps, in each ``<style>`` block of a page that has a notebook in it:

- every rule that can match something on the page: each class a selector names (outside a
  ``:not(…)`` or ``:is(…)``, which need not be there) is on some element of the page;
- at-rules (``@media``, ``@supports``) with their inner rules treated the same way, and the rest
  (``@font-face``, ``@keyframes``, ``@charset``) as they are;
- every custom property (``--jp-…``) that a kept rule, an inline style or another kept custom
  property reads with ``var(…)``.

So nothing the page can show changes (checked by screenshots of the page in light and dark mode
and at phone width: the same pixels), and the notebook page shrinks to about a quarter.
The page's HTML never gains a class after it is built: its scripts (copy buttons) add none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

STYLE_RE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
CLASS_ATTR_RE = re.compile(r'class="([^"]*)"')
COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
PARENS_RE = re.compile(r"\([^()]*\)")  # an innermost ( … ): :not(.x), :is(…), attr values
VAR_RE = re.compile(r"var\(\s*(--[\w-]+)")
# a custom property's definition, ``--name: value`` up to its ; or } (parentheses included)
DEFINITION_RE = re.compile(r"--[\w-]+\s*:(?:[^;{}()]|\([^()]*\))*")
NESTING_AT_RULES = ("@media", "@supports", "@container", "@layer")


def on_post_page(output: str, page: Any, config: Any) -> str:
    if 'class="jupyter-wrapper"' not in output:  # only notebook pages carry JupyterLab's CSS
        return output
    return slim_styles(output)


def slim_styles(html: str) -> str:
    """``html`` with each ``<style>`` block cut down to the rules and properties it can use."""
    classes = {name for value in CLASS_ATTR_RE.findall(html) for name in value.split()}
    sheets = {
        m.start(): _keep_rules(COMMENT_RE.sub("", m[2]), classes) for m in STYLE_RE.finditer(html)
    }
    outside = STYLE_RE.sub("", html)  # inline style="…" attributes may read properties too
    used = _used_properties(list(sheets.values()), outside)

    def slim(m: re.Match[str]) -> str:
        return m[1] + _drop_unused_properties(sheets[m.start()], used) + m[3]

    return STYLE_RE.sub(slim, html)


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """The top-level parts of a stylesheet: ``(prelude, body)`` for a block ``prelude { body }``,
    ``(statement, None)`` for a statement ending in ``;`` (``@charset …;``). Quotes are skipped,
    so a brace inside a string does not count; comments must be gone already."""
    parts: list[tuple[str, str | None]] = []
    depth, start, opened, quote = 0, 0, 0, ""
    i = 0
    while i < len(css):
        c = css[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "{":
            if depth == 0:
                opened = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                parts.append((css[start:opened].strip(), css[opened + 1 : i]))
                start = i + 1
        elif c == ";" and depth == 0:
            parts.append((css[start:i].strip(), None))
            start = i + 1
        i += 1
    return parts


def _may_match(selector: str, classes: set[str]) -> bool:
    """Whether every class the selector requires is on the page (what a :not(…) or :is(…)
    names is not required: those are dropped before looking)."""
    while "(" in selector:
        inner_dropped = PARENS_RE.sub("", selector)
        if inner_dropped == selector:  # unbalanced: keep the rule rather than guess
            return True
        selector = inner_dropped
    return all(name in classes for name in CLASS_RE.findall(selector))


def _rewrite(css: str, rule: Callable[[str, str], str | None]) -> str:
    """``css`` with the body of each rule ``prelude { body }`` replaced by ``rule(prelude,
    body)`` (None drops the rule), inside ``@media`` and the like too; an at-rule left empty
    goes, statements and other at-rules stay as they are."""
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith(NESTING_AT_RULES):
            inner = _rewrite(body, rule)
            if inner:
                out.append(prelude + "{" + inner + "}")
        elif prelude.startswith("@"):
            out.append(prelude + "{" + body + "}")
        else:
            kept = rule(prelude, body)
            if kept is not None:
                out.append(prelude + "{" + kept + "}")
    return "".join(out)


def _keep_rules(css: str, classes: set[str]) -> str:
    def rule(prelude: str, body: str) -> str | None:
        return body if any(_may_match(s, classes) for s in prelude.split(",")) else None

    return _rewrite(css, rule)


def _declarations(body: str) -> list[str]:
    """A rule's ``name: value`` parts (a ; inside parentheses, as in a data URI, is not a split)."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(body):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == ";" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    if body[start:].strip():
        parts.append(body[start:])
    return parts


def _used_properties(sheets: list[str], page: str) -> set[str]:
    """The custom properties that the sheets' rules (outside definitions) or the page's inline
    styles read, and those that the values of read ones read, transitively."""
    definitions: dict[str, list[str]] = {}
    used = set(VAR_RE.findall(page))
    for sheet in sheets:
        for definition in DEFINITION_RE.findall(sheet):
            name, _, value = definition.partition(":")
            definitions.setdefault(name.strip(), []).append(value)
        used.update(VAR_RE.findall(DEFINITION_RE.sub("", sheet)))
    todo = list(used)
    while todo:
        for value in definitions.get(todo.pop(), []):
            for name in VAR_RE.findall(value):
                if name not in used:
                    used.add(name)
                    todo.append(name)
    return used


def _drop_unused_properties(css: str, used: set[str]) -> str:
    def rule(prelude: str, body: str) -> str | None:
        kept = [
            d
            for d in _declarations(body)
            if not d.strip().startswith("--") or d.partition(":")[0].strip() in used
        ]
        return ";".join(kept) if kept else None

    return _rewrite(css, rule)
