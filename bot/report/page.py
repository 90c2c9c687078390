"""The report's one self-contained HTML page: inline SVG charts, each with its data table.

Nothing is fetched from elsewhere (no scripts, fonts or style sheets): the page can be
mailed, archived or opened offline. Every chart is a `<figure>` holding the chart
(`role="img"`, named) and a `<table>` of the same numbers, side by side on wide screens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 78rem;
       padding: 0 1rem; color: #1a202c; }
h1 { margin-bottom: .2rem; } .lede { color: #4a5568; margin-top: 0; }
section { margin: 2.2rem 0; }
figure.chart { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
               gap: 1.5rem; align-items: start; margin: 0; }
@media (max-width: 60rem) { figure.chart { grid-template-columns: 1fr; } }
figure.chart svg { width: 100%; height: auto; }
figcaption { grid-column: 1 / -1; color: #4a5568; font-size: .9rem; }
.table-wrap { max-height: 30rem; overflow: auto; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border-bottom: 1px solid #e2e8f0; padding: .25rem .4rem; text-align: left;
         vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; border-radius: .3rem; padding: 0 .35rem; font-size: .8rem;
         color: #fff; white-space: nowrap; }
.pem-required { background: #1b7837; } .pem-not_required { background: #b2182b; }
.pem-unclear { background: #9c6f00; } .pem-none { background: #6b6b6b; }
.retracted { background: #822727; }
"""


@dataclass(frozen=True)
class Column:
    """A table column: its heading, the row key, and whether it holds numbers."""

    heading: str
    key: str
    numeric: bool = False
    html: bool = False  # the value is already HTML (a badge, a link)


@dataclass(frozen=True)
class Section:
    """One part of the page: a heading, an optional chart, and the table of its numbers."""

    anchor: str
    heading: str
    caption: str
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]
    chart: str | None = None  # inline <svg>


def page(title: str, lede: str, sections: Sequence[Section]) -> str:
    """The whole page."""
    body = "\n".join(_section(s) for s in sections)
    contents = "".join(f'<li><a href="#{s.anchor}">{escape(s.heading)}</a></li>' for s in sections)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="lede">{escape(lede)}</p>
<nav aria-label="Contents"><ul>{contents}</ul></nav>
{body}
</body>
</html>
"""


def _section(section: Section) -> str:
    table = _table(section)
    caption = f"<figcaption>{escape(section.caption)}</figcaption>"
    if section.chart is None:
        inner = (
            f'<div class="table-wrap">{table}</div><p class="lede">{escape(section.caption)}</p>'
        )
    else:
        inner = (
            f'<figure class="chart" aria-labelledby="{section.anchor}-h">'
            f'<div class="plot">{section.chart}</div>'
            f'<div class="table-wrap">{table}</div>{caption}</figure>'
        )
    return (
        f'<section id="{section.anchor}"><h2 id="{section.anchor}-h">'
        f"{escape(section.heading)}</h2>{inner}</section>"
    )


def _table(section: Section) -> str:
    head = "".join(
        f'<th scope="col"{_numeric(c)}>{escape(c.heading)}</th>' for c in section.columns
    )
    if not section.rows:
        body = f'<tr><td colspan="{len(section.columns)}">Nothing in this range.</td></tr>'
    else:
        body = "".join(
            "<tr>" + "".join(_cell(c, row.get(c.key)) for c in section.columns) + "</tr>"
            for row in section.rows
        )
    return (
        f"<table><caption>{escape(section.heading)}: the numbers</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _numeric(column: Column) -> str:
    return ' class="n"' if column.numeric else ""


def _cell(column: Column, value: Any) -> str:
    shown = "" if value is None else (str(value) if column.html else escape(str(value)))
    return f"<td{_numeric(column)}>{shown}</td>"


def pem_badge(pem: str | None) -> str:
    """The PEM badge as a small coloured label."""
    words = {"required": "PEM required", "not_required": "PEM not required",
             "unclear": "PEM unclear"}  # fmt: skip
    css = pem if pem in words else "none"
    return (
        f'<span class="badge pem-{css}">{escape(words.get(pem or "", "PEM not recorded"))}</span>'
    )


def link(url: str | None, text: str) -> str:
    """A link to a post (only http(s) addresses become links)."""
    if not url or not url.startswith(("https://", "http://")):
        return escape(text)
    return f'<a href="{escape(url)}">{escape(text)}</a>'
