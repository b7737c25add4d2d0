"""Debug log of a sync run: every request (method, path, status) and retry, never a credential.

Credentials live only in the session's auth object, which neither requests nor urllib3 logs, and
gdash's own messages name environment variables, never their values.
"""

from __future__ import annotations

import logging
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_to_file(path: Path) -> logging.Handler:
    """Append DEBUG records of gdash and urllib3 (connections, retries) to ``path``."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.DEBUG)
    for name in ("gdash", "urllib3"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    return handler
