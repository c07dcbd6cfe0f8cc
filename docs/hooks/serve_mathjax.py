"""Serve MathJax from the site itself.

The MathJax files come from the installed ``django-static-mathjax`` package (MathJax 3.2.2; its
Python package is named ``mathjax`` and needs no Django). At build time this hook adds them to the
site under ``assets/mathjax/``, so the repository vendors nothing and a page's math never makes a
request to another host. ``mkdocs.yml`` loads ``assets/mathjax/tex-chtml.js``.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

SITE_DIR = "assets/mathjax"

# tex-chtml.js is the whole renderer; MathJax fetches the rest on demand, relative to where it was
# loaded from: fonts, TeX extensions (\boldsymbol, \cancel … through autoload) and, behind its
# right-click menu, the accessibility explorer with its speech rules.
PARTS = [
    "tex-chtml.js",
    "output/chtml/fonts/woff-v2",
    "input/tex/extensions",
    "ui",
    "a11y",
    "sre",
]


def _es5_dir() -> Path:
    try:
        import mathjax
    except ImportError:
        raise PluginError(
            "MathJax comes from the django-static-mathjax package: pip install -e '.[docs]'"
        ) from None
    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    es5 = _es5_dir()
    for part in PARTS:
        path = es5 / part
        sources = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        if not sources or not sources[0].is_file():
            raise PluginError(f"MathJax file missing from django-static-mathjax: {path}")
        for source in sources:
            uri = f"{SITE_DIR}/{source.relative_to(es5).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files
