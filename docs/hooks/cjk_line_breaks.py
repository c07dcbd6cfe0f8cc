"""Line breaks inside Chinese text, taken out of the built pages.

The pages' Markdown wraps long Chinese paragraphs over several lines, and the HTML keeps those
line breaks. A browser shows each one as a space, which Chinese text does not have: a paragraph
written as ``用时 10.4 ms，`` / ``同样的数学`` reads "用时 10.4 ms， 同样的数学". (CSS asks browsers
to drop such a break between two Chinese characters; Firefox does, Chrome and Safari do not.)

This hook removes a line break, with the indentation after it, wherever both sides are Chinese
(ideographs, and the punctuation, quotes, dashes and ellipsis Chinese text uses), and next to
Chinese punctuation whatever the other side is: a full-width ``，`` or ``（`` carries its own
spacing. A break between an ideograph and Latin text stays a space, as Chinese typesetting
spaces ``用 picotorch 写`` anyway. Code (``<pre>``) is left alone: there a line break is a line
break.
"""

from __future__ import annotations

import re
from typing import Any

# ‘’“” and the like, — and …, CJK punctuation (。、「」…), full-width forms (，：；（）…)
PUNCTUATION = "\u2018-\u201f\u2014\u2026\u3000-\u303f\uff00-\uffef"
CHINESE = PUNCTUATION + "\u3400-\u4dbf\u4e00-\u9fff"  # and the ideographs
BREAK_RE = re.compile(
    f"(?<=[{PUNCTUATION}])\\n[ \\t]*"  # after Chinese punctuation
    f"|\\n[ \\t]*(?=[{PUNCTUATION}])"  # before it
    f"|(?<=[{CHINESE}])\\n[ \\t]*(?=[{CHINESE}])"  # between two Chinese characters
)
PRE_RE = re.compile(r"(<pre\b.*?</pre>)", re.S)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return join_chinese_lines(html)


def join_chinese_lines(html: str) -> str:
    """``html`` without the line breaks inside Chinese text, outside ``<pre>``."""
    parts = PRE_RE.split(html)  # odd positions: the <pre> blocks themselves
    return "".join(part if i % 2 else BREAK_RE.sub("", part) for i, part in enumerate(parts))
