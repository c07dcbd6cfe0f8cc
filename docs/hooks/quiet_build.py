"""A build prints only what needs attention. Two libraries it uses speak up on every build:

- jieba, the Chinese word segmenter of the search plugin (``lang: zh`` in mkdocs.yml), logs four
  lines of progress while it loads its dictionary. Its level is raised to warnings.
- ipykernel, which runs the notebook pages, warns that it "is running over TCP without
  encryption": by default the build and the kernel talk through ports on 127.0.0.1. Here they
  talk through Unix sockets (jupyter's IPC transport) instead, which open no port at all, so
  there is nothing to warn about. The setting is ``jupyter/jupyter_nbconvert_config.json``, next
  to this file: mkdocs-jupyter's nbconvert reads its configuration from the directories on
  ``JUPYTER_CONFIG_PATH`` first, and passes it on to the kernel manager.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import jieba

JUPYTER_CONFIG = Path(__file__).with_name("jupyter")

jieba.setLogLevel(logging.WARNING)

# (set when MkDocs loads its hooks: before the first notebook page is converted)
_others = os.environ.get("JUPYTER_CONFIG_PATH")
os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
    [str(JUPYTER_CONFIG), *([_others] if _others else [])]
)
