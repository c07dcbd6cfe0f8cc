"""The built site: it builds with --strict, fetches nothing from other hosts, finds code names.

The site is built once per session with the project's own mkdocs.yml into a temporary folder.
"""

from __future__ import annotations

import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from site_hooks import load_hook

ROOT = Path(__file__).resolve().parents[1]
MATHJAX = "assets/mathjax/tex-chtml.js"

# A URL that leaves the site: http(s)://host, //host (protocol-relative) or any other scheme://.
EXTERNAL_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)

# Attributes whose URL a browser fetches as it renders the page (plain <a href> is not fetched).
FETCHED_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
# <link> rels that only name another document; every other rel (stylesheet, icon, preload,
# modulepreload, manifest, preconnect, dns-prefetch …) makes the browser connect.
LINK_RELS_NOT_FETCHED = {"canonical", "alternate", "author", "license", "help", "next", "prev"}

CSS_URL_RE = re.compile(r"""(?:@import\s+|url\(\s*)(["']?)(?P<url>[^"')\s]+)\1""", re.IGNORECASE)
# Modules a script imports by URL: `import("…")` and `import … from "…"`.
JS_IMPORT_RE = re.compile(
    r"""\bimport\s*\(\s*(["'])(?P<url>[^"']+)\1|\bfrom\s*(["'])(?P<url2>[^"']+)\3"""
)
# The same tags written inside JavaScript strings (templates that get inserted into the page).
JS_TAG_RE = re.compile(
    r"""<(?P<tag>script|img|iframe|link|source|video|audio|embed)\b[^>]*?\b"""
    r"""(?:src|href|srcset)\s*=\s*\\?["'](?P<url>[^"'\\]+)""",
    re.IGNORECASE,
)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.strip()]


class _Resources(HTMLParser):
    """Collects (what, url) for every URL an HTML page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._in_style = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        names = FETCHED_ATTRS.get(tag, ())
        if tag == "link" and not set(values.get("rel", "").lower().split()) <= (
            LINK_RELS_NOT_FETCHED
        ):
            names = ("href", "imagesrcset")
        for name in names:
            if name in values:
                urls = _srcset_urls(values[name]) if "srcset" in name else [values[name]]
                self.found += [(f"<{tag} {name}>", url) for url in urls]
        if "style" in values:
            self.found += [(f"<{tag} style>", url) for url in css_urls(values["style"])]
        self._in_style = tag == "style"
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [("<style>", url) for url in css_urls(data)]
        if self._in_script:
            self.found += [("import in <script>", url) for url in js_imports(data)]


def css_urls(css: str) -> list[str]:
    return [m["url"] for m in CSS_URL_RE.finditer(css)]


def js_imports(js: str) -> list[str]:
    return [m["url"] or m["url2"] for m in JS_IMPORT_RE.finditer(js)]


def resources(path: Path) -> list[tuple[str, str]]:
    """(what, url) for each URL the file makes a browser fetch."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        parser = _Resources()
        parser.feed(text)
        return parser.found
    found = [("css url()/@import", url) for url in css_urls(text)]
    if path.suffix == ".js":
        found += [(f"<{m['tag']}> in a script", m["url"]) for m in JS_TAG_RE.finditer(text)]
        found += [("import in a script", url) for url in js_imports(text)]
    return found


def test_no_request_to_another_host(site: Path) -> None:
    offenders = [
        f"{path.relative_to(site)}: {what} {url}"
        for suffix in ("html", "css", "js")
        for path in sorted(site.rglob(f"*.{suffix}"))
        for what, url in resources(path)
        if EXTERNAL_RE.match(html.unescape(url))
    ]
    assert not offenders, "resources fetched from other hosts:\n" + "\n".join(offenders)


def test_scanner_sees_external_resources() -> None:
    parser = _Resources()
    parser.feed(
        '<link rel="stylesheet" href="https://fonts.example/css">'
        '<link rel="canonical" href="https://site.example/">'
        '<a href="https://pytorch.org">x</a>'
        '<script src="//cdn.example/a.js"></script>'
        '<img srcset="a.png 1x, https://img.example/b.png 2x">'
        '<link rel="preconnect" href="https://fonts.gstatic.example">'
        "<div style=\"background: url('http://x.example/i.png')\">"
        "<style>@import 'https://y.example/s.css';</style>"
        '<script type="module">const m = await import("https://esm.example/m.mjs");</script>'
    )
    external = [url for _, url in parser.found if EXTERNAL_RE.match(url)]
    assert external == [
        "https://fonts.example/css",
        "//cdn.example/a.js",
        "https://img.example/b.png",
        "https://fonts.gstatic.example",
        "http://x.example/i.png",
        "https://y.example/s.css",
        "https://esm.example/m.mjs",
    ]
    assert js_imports('import x from "//cdn.example/x.js"; import("./local.js")') == [
        "//cdn.example/x.js",
        "./local.js",
    ]
    assert [
        m["url"] for m in JS_TAG_RE.finditer('e.innerHTML = "<script src=\\"//c.example/x.js\\">"')
    ]
    assert css_urls("a{background:url(data:image/png;base64,AAA)} b{src:url(../f.woff)}") == [
        "data:image/png;base64,AAA",
        "../f.woff",
    ]


def test_local_scripts_and_stylesheets_exist(site: Path) -> None:
    missing = []
    for page in pages(site):
        for what, url in resources(page):
            if what in ("<script src>", "<link href>") and not EXTERNAL_RE.match(url):
                path = url.split("#")[0].split("?")[0]
                # 404.html links from the site root: it is served for any missing URL.
                target = site / path.lstrip("/") if path.startswith("/") else page.parent / path
                if not target.is_file():
                    missing.append(f"{page.relative_to(site)}: {url}")
    assert not missing, "referenced but not in the site:\n" + "\n".join(missing)


def test_math_is_served_by_the_site(site: Path) -> None:
    for page in pages(site):
        scripts = [url for what, url in resources(page) if what == "<script src>"]
        assert any(url.endswith(MATHJAX) for url in scripts), f"{page} does not load MathJax"
    # MathJax loads its fonts and TeX extensions on demand, relative to tex-chtml.js.
    mathjax = site / MATHJAX
    assert mathjax.is_file()
    assert (mathjax.parent / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").is_file()
    assert (mathjax.parent / "input/tex/extensions/boldsymbol.js").is_file()


def search_tokens(site: Path) -> set[str]:
    """The words the search box can find, split the way the site's search splits them."""
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    tokens: set[str] = set()
    for doc in index["docs"]:
        text = html.unescape(re.sub(r"<[^>]+>", " ", f"{doc['title']} {doc['text']}"))
        tokens.update(word.lower() for word in separator.split(text) if word)
    return tokens


def test_search_finds_chinese_words_and_code_names(site: Path) -> None:
    missing = {"张量", "numpy", "gather", "from_numpy"} - search_tokens(site)
    assert not missing, f"not in the search index as words: {sorted(missing)}"


def test_chinese_headings_get_readable_anchors(site: Path) -> None:
    # Without pymdownx.slugs, `## 张量的属性` gets id="_1".
    heading_id = re.compile(r"<h[1-6][^>]*\bid=\"([^\"]*)\"")
    bad = [
        f"{page.relative_to(site)}: #{anchor}"
        for page in pages(site)
        for anchor in heading_id.findall(page.read_text(encoding="utf-8"))
        if re.fullmatch(r"_\d*", anchor)
    ]
    assert not bad, "headings with meaningless anchors:\n" + "\n".join(bad)


def test_links_within_a_page_find_their_heading(site: Path) -> None:
    # mkdocs checks the anchors of Markdown pages; a notebook page's headings and table of
    # contents come from mkdocs-jupyter (ids set by docs/hooks/notebooks.py), so check them all.
    broken = []
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        ids = set(re.findall(r'\bid="([^"]*)"', text))
        for fragment in re.findall(r'<a\b[^>]*\bhref="#([^"]*)"', text):
            if unquote(html.unescape(fragment)) not in ids:
                broken.append(f"{page.relative_to(site)}: #{fragment}")
    assert not broken, "links to anchors that are not on their page:\n" + "\n".join(broken)


def test_the_notebook_page_is_run_and_downloadable(site: Path) -> None:
    page = site / "notebooks" / "train_classifier" / "index.html"
    text = page.read_text(encoding="utf-8")
    # executed at build time: printed outputs and matplotlib figures are in the page
    assert "CNN 最终测试准确率" in text
    assert text.count('src="data:image/png;base64,') >= 4
    assert re.search(r'<h2 id="准备数据"', text)
    # the download button gives the notebook as .ipynb, the code cells without outputs
    (href,) = re.findall(r'<a href="([^"]+\.ipynb)" download', text)
    notebook = json.loads((page.parent / href).read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert any("import picotorch as torch" in source for source in code)
    assert all(not cell.get("outputs") for cell in notebook["cells"])


def test_the_notebook_page_carries_only_the_css_it_uses(site: Path) -> None:
    # mkdocs-jupyter inlines all of JupyterLab's CSS (about 570 KB) into a notebook page; the
    # hook keeps what the page can use (the page went from about 780 KB to 200 KB)
    text = (site / "notebooks" / "train_classifier" / "index.html").read_text(encoding="utf-8")
    css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", text, flags=re.S))
    assert len(css) < 60_000
    assert len(text.encode()) < 300_000
    # what the page shows still has its style: code highlighting, the cells, dark mode
    assert ".highlight-ipynb .kn" in css and "var(--jp-mirror-editor-keyword-color)" in css
    assert "--jp-mirror-editor-keyword-color:" in css
    assert ".jp-Cell" in css and "[data-md-color-scheme=slate]" in css
    assert "--jp-icon-jupyterlab-wordmark" not in css  # an icon the page does not show


def test_the_notebook_css_hook_keeps_what_can_match() -> None:
    hook = load_hook("notebook_css")
    page = (
        '<div class="jupyter-wrapper"><div class="a b" style="color: var(--inline)"></div></div>'
        "<style>"
        "/* a comment naming .nowhere */"
        ".a{color:var(--used)}"
        ".a.b:hover{color:red}"
        ".a .missing{color:blue}"
        ".a:not(.missing),.gone{margin:0}"
        ".gone,.b{padding:0}"
        "@media (max-width: 10px){.missing{x:y}}"
        "@media (max-width: 20px){.b{x:y}.missing{x:y}}"
        "@keyframes spin{from{x:y}to{x:z}}"
        ".jupyter-wrapper{--used:var(--deeper);--deeper:1px;--unused:2px;--inline:3px;"
        "--icon:url(data:image/svg+xml;base64,AAAA)}"
        "</style>"
    )
    css = re.search(r"<style>(.*)</style>", hook.slim_styles(page), flags=re.S)[1]
    assert css == (
        ".a{color:var(--used)}"
        ".a.b:hover{color:red}"
        ".a:not(.missing),.gone{margin:0}"
        ".gone,.b{padding:0}"
        "@media (max-width: 20px){.b{x:y}}"
        "@keyframes spin{from{x:y}to{x:z}}"
        ".jupyter-wrapper{--used:var(--deeper);--deeper:1px;--inline:3px}"
    )
    # pages without a notebook are left alone
    plain = "<style>.missing{x:y}</style>"
    assert hook.on_post_page(plain, None, None) == plain


CHINESE_BREAK_RE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]\n\s*[\u4e00-\u9fff]")


def test_chinese_text_has_no_line_breaks_that_show_as_spaces(site: Path) -> None:
    # a browser shows a line break of the Markdown source as a space, which Chinese text has not
    for page in sorted(site.rglob("index.html")):
        text = re.sub(r"<pre\b.*?</pre>", "", page.read_text(encoding="utf-8"), flags=re.S)
        found = CHINESE_BREAK_RE.findall(text)
        assert not found, f"{page.relative_to(site)}: {found[:3]}"


def test_the_line_break_hook_joins_only_chinese() -> None:
    join = load_hook("cjk_line_breaks").join_chinese_lines
    assert (
        join("<p>用时 10 ms，\n  同样的数学\n要多久</p>") == "<p>用时 10 ms，同样的数学要多久</p>"
    )
    assert join("<p>这一节。\nW1 更是如此\n（见下）</p>") == "<p>这一节。W1 更是如此（见下）</p>"
    assert join("<p>用\npicotorch\n写</p>") == "<p>用\npicotorch\n写</p>"  # spaces around Latin
    code = "<pre><code># 中文注释，\n# 第二行\n</code></pre>"
    assert join(f"<p>前\n后</p>{code}") == f"<p>前后</p>{code}"


def test_the_build_prints_only_its_progress(site_build: tuple[Path, str]) -> None:
    # docs/hooks/quiet_build.py: a warning in the build's output should mean something
    _, log = site_build
    assert "Converting notebook" in log  # (the log is the build's: mkdocs-jupyter's INFO line)
    assert "without encryption" not in log  # the notebook's kernel talks over IPC, not TCP
    assert "Prefix dict" not in log  # jieba loads its dictionary quietly
    assert "WARNING" not in log


def test_the_notebook_kernel_is_configured_for_ipc(monkeypatch: pytest.MonkeyPatch) -> None:
    from nbconvert.nbconvertapp import NbConvertApp

    # the hook puts its config directory first on the path, keeping any the reader has
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/elsewhere")
    hook = load_hook("quiet_build")
    assert os.environ["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [
        str(hook.JUPYTER_CONFIG),
        "/elsewhere",
    ]
    # ... where nbconvert, as mkdocs-jupyter runs it, finds the setting
    app = NbConvertApp()
    app.load_config_file()
    assert app.config.KernelManager.transport == "ipc"
