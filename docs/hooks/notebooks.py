"""What the site needs around mkdocs-jupyter's notebook pages (docs/notebooks/*.py).

mkdocs-jupyter runs each jupytext notebook at build time and renders it with nbconvert. Three
things about that output are fixed here:

- Heading ids. nbconvert's headings get their ids from an ASCII-only slugify, so a Chinese
  heading gets an empty id, and the page's table of contents (made by Python-Markdown's default
  slugify) points at ``#_1``, ``#_2`` … instead. Both are switched to the slugify the Markdown
  pages use (``toc.slugify`` in mkdocs.yml), so ``## 准备数据`` becomes ``id="准备数据"`` on the
  heading and in the table of contents alike.
- Scripts the site must not have. nbconvert's page template adds a MathJax 2 loader (a
  ``<script src="">`` with mkdocs-jupyter's settings, or a CDN's URL) with its configuration, and
  a module script that imports mermaid from a CDN when a page has a diagram. The site serves its
  own MathJax 3 on every page and the notebooks draw no diagrams, so both blocks are dropped.
- The download. Each notebook is added to the site as a ``.ipynb`` (converted from the ``.py``
  by jupytext, without outputs: the reader runs it), and its page gets
  ``page.notebook_download``, the link that ``docs/overrides/main.html`` shows as a button.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import jupytext
import markdown
import mkdocs_jupyter.plugin
from markdown.extensions.toc import TocExtension
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

NOTEBOOK_DIR = "notebooks/"

# nbconvert's MathJax 2 and mermaid blocks (see the module docstring).
MATHJAX_RE = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MERMAID_RE = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.S)
# One heading as nbconvert writes it: <h2 id="…">text<a class="anchor-link" href="#…">¶</a></h2>
HEADING_RE = re.compile(
    r'<h(?P<level>[1-6]) id="[^"]*">(?P<text>.*?)<a class="anchor-link" href="#[^"]*">'
)


def is_notebook(src_uri: str) -> bool:
    return src_uri.startswith(NOTEBOOK_DIR) and src_uri.endswith(".py")


def download_uri(src_uri: str) -> str:
    """Where a notebook's .ipynb goes in the site: ``notebooks/train_classifier.ipynb``."""
    return str(PurePosixPath(src_uri).with_suffix(".ipynb"))


def _slugify(config: MkDocsConfig) -> Callable[[str, str], str]:
    toc = config.mdx_configs.get("toc", {})
    if "slugify" not in toc:
        raise PluginError("docs/hooks/notebooks.py uses toc.slugify from mkdocs.yml; set it there")
    return toc["slugify"]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    slugify = _slugify(config)
    if not hasattr(mkdocs_jupyter.plugin, "_get_markdown_toc"):
        raise PluginError("mkdocs-jupyter changed: docs/hooks/notebooks.py needs updating")

    def markdown_toc(markdown_source: str, toc_depth: int) -> list[dict[str, Any]]:
        md = markdown.Markdown(extensions=[TocExtension(toc_depth=toc_depth, slugify=slugify)])
        md.convert(markdown_source)
        return md.toc_tokens

    # The table of contents of a notebook page (its headings' ids are set in on_page_content).
    mkdocs_jupyter.plugin._get_markdown_toc = markdown_toc
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for file in list(files):
        if is_notebook(file.src_uri):
            notebook = jupytext.read(file.abs_src_path)
            content = jupytext.writes(notebook, fmt="ipynb")
            files.append(File.generated(config, download_uri(file.src_uri), content=content))
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not is_notebook(page.file.src_uri):
        return html
    slugify = _slugify(config)

    def heading(m: re.Match[str]) -> str:
        text = re.sub(r"<[^>]+>", "", m["text"])
        slug = slugify(text, "-")
        return f'<h{m["level"]} id="{slug}">{m["text"]}<a class="anchor-link" href="#{slug}">'

    html = HEADING_RE.sub(heading, html)
    return MERMAID_RE.sub("", MATHJAX_RE.sub("", html))


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    if is_notebook(page.file.src_uri):
        target = download_uri(page.file.src_uri)
        page.notebook_download = get_relative_url(target, page.url)  # type: ignore[attr-defined]
    return context
