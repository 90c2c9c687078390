"""The report's charts, drawn by matplotlib as SVG text (offline, no browser, no pyplot).

Each chart is an `<svg>` element ready to be inlined: the XML prologue is dropped, it gets
`role="img"` and an accessible name, and its element ids carry a salt of their own so two
charts on one page never share a clip-path id.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib as mpl
from matplotlib.figure import Figure

PEM_COLOURS = {
    "required": "#1b7837",
    "not_required": "#b2182b",
    "unclear": "#d6a01d",
    "not recorded": "#8c8c8c",
}
_BAR = "#2b6cb0"
_MISSING = "#c05621"
_WIDTH_IN = 7.5
_SVG_START = re.compile(r"^.*?(?=<svg)", re.S)


def _render(figure: Figure, name: str, label: str) -> str:
    """The figure as an inline `<svg>` with an accessible name."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        # No date in the metadata: the same numbers give the same page.
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = _SVG_START.sub("", buffer.getvalue(), count=1)
    escaped = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)


def _empty(figure: Figure, message: str) -> None:
    axes = figure.subplots()
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555")


def monthly_chart(months: Sequence[str], atlas: Sequence[int], missing: Sequence[int]) -> str:
    """Citations of atlas studies and mentions of missing papers per month (stacked bars)."""
    figure = Figure(figsize=(_WIDTH_IN, 3.2))
    if not months:
        _empty(figure, "No citations in this range")
    else:
        axes = figure.subplots()
        positions = range(len(months))
        axes.bar(positions, atlas, color=_BAR, label="atlas studies")
        axes.bar(positions, missing, bottom=atlas, color=_MISSING, label="papers the atlas lacks")
        step = max(1, len(months) // 12)
        axes.set_xticks(list(positions)[::step], list(months)[::step], rotation=45, ha="right")
        axes.set_ylabel("citations")
        # Above the bars, so it never covers the tallest month.
        axes.legend(frameon=False, fontsize=9, loc="lower left", bbox_to_anchor=(0, 1), ncols=2)
        axes.spines[["top", "right"]].set_visible(False)
    return _render(figure, "monthly", "Citations per month")


def bar_chart(
    name: str, label: str, names: Sequence[str], values: Sequence[int], colours: Sequence[str] = ()
) -> str:
    """Horizontal bars, largest at the top; `colours` per bar (one colour when empty)."""
    figure = Figure(figsize=(_WIDTH_IN, max(1.6, 0.32 * len(names) + 0.8)))
    if not names:
        _empty(figure, "Nothing in this range")
    else:
        axes = figure.subplots()
        positions = range(len(names))
        axes.barh(positions, values, color=list(colours) or _BAR)
        axes.set_yticks(list(positions), [_short(n) for n in names], fontsize=8)
        axes.invert_yaxis()
        axes.set_xlabel(label)
        axes.spines[["top", "right"]].set_visible(False)
    return _render(figure, name, label)


def pem_chart(badges: Sequence[str], counts: Sequence[int]) -> str:
    """The PEM mix of what the community cites, one bar per badge."""
    return bar_chart(
        "pem",
        "citations by PEM badge",
        [badge.replace("_", " ") for badge in badges],
        counts,
        [PEM_COLOURS.get(badge, PEM_COLOURS["not recorded"]) for badge in badges],
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
