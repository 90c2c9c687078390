"""Where an identifier or link that runs into surrounding prose really ends.

DOIs may legally hold brackets (`10.1016/S0140-6736(11)60096-2`,
`10.1002/(SICI)1097-4636(199706)35:4<477::AID-JBM8>3.0.CO;2-C`), so a closing bracket ends
the identifier only when it has no opening partner inside it: that is the closing bracket of
a Markdown link, a parenthesis around the citation or Discord's `<…>`. Sentence punctuation,
quotes and Markdown emphasis at the very end are the writer's, not the identifier's
(the same rule linkifiers use, https://github.github.com/gfm/#extended-autolink-path-validation).
"""

from __future__ import annotations

import re

_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_OPENERS = frozenset(_CLOSERS.values())
TRAILING = frozenset(".,;:!?*_~'\"`/\u2018\u2019\u201c\u201d\u00ab\u00bb\u3002\uff0c\u2026([{<")


# HTML that a forum export left in the text: a tag (`</a>`, `<br/>`) or an escaped character
# ends an identifier. SICI DOIs hold `<477::AID-JBM8>`, which starts with a digit, not a tag.
_MARKUP = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]{0,20}(?:\s[^<>]{0,200})?/?>|&(?:lt|gt|quot|nbsp|#\d{1,6});"
)


def trimmed_length(candidate: str) -> int:
    """Length of the identifier at the start of `candidate` (0 when nothing is left)."""
    markup = _MARKUP.search(candidate) if ("<" in candidate or "&" in candidate) else None
    if markup:
        candidate = candidate[: markup.start()]
    stack: list[str] = []
    end = len(candidate)
    for index, char in enumerate(candidate):
        if char in _OPENERS:
            stack.append(char)
        elif char in _CLOSERS:
            if stack and stack[-1] == _CLOSERS[char]:
                stack.pop()
            else:
                end = index
                break
    while end and candidate[end - 1] in TRAILING:
        end -= 1
    return end
