"""Terminal output of stored text: shown as written, never run as markup or control codes.

Paper keys, titles, permalinks and atlas text come from members and crawled pages. Rich
reads `[b]` or `[link=…]` in a plain string as markup (a crash on `[/b]`, a hidden link on
`[link=…]`), and a terminal runs escape sequences; every stored value goes through `cell`.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

# C0 and C1 control characters except tab and newline, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cell(value: Any, style: str = "") -> Text:
    """`value` as literal terminal text: no markup parsed, control characters made visible."""
    return Text(visible(value), style=style)


def visible(value: Any) -> str:
    """`value` as a string whose control characters are shown as `\\xNN`, never run."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
