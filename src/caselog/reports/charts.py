"""The report's charts: matplotlib drawn to SVG, deterministic, inlined into the page.

A report handed to an inspector (IVO) must open offline and be the same file for the same
question (the inspection bundle hashes it), so every chart is an inline SVG made with the
Agg-free SVG backend, with text kept as text (`svg.fonttype = "none"`, Swedish letters
stay searchable), a fixed `svg.hashsalt` per chart (ids never random) and no date in its
metadata.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Final

import matplotlib as mpl
from markupsafe import Markup
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from caselog.rules.model import Status

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from caselog.reports.catalogue import Catalogue
    from caselog.reports.gather import Trend

COLOURS: Final[dict[Status, str]] = {
    Status.MET: "#4d9a5b",
    Status.MET_LATE: "#b07cc6",
    Status.PENDING: "#e0b040",
    Status.OVERDUE: "#d9534f",
    Status.BREACHED: "#8b1a1a",
    Status.WAIVED: "#5bc0de",
    Status.NOT_APPLICABLE: "#c8c8c8",
}
"""One colour per status, shared by the charts and the page's CSS."""

_RC: Final[dict[RcKeyType, object]] = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def summary_chart(counts: dict[str, dict[Status, int]], words: Catalogue) -> Markup:
    """Obligations by rule and status: one bar per rule, its statuses as shares of it.

    Shares, not counts: R21 has a row per fact and would flatten every other rule; each
    bar ends with the rule's count, so the scale is still there.
    """
    rules = list(counts)
    totals = [sum(counts[r].values()) or 1 for r in rules]
    with mpl.rc_context(_RC):
        figure = Figure(figsize=(7.5, 0.24 * len(rules) + 1.2))
        axes = figure.add_subplot()
        lefts = [0.0] * len(rules)
        for status in Status:
            shares = [
                100 * counts[r].get(status, 0) / t for r, t in zip(rules, totals, strict=True)
            ]
            if any(shares):
                axes.barh(
                    rules, shares, left=lefts, color=COLOURS[status], label=words.status(status)
                )
                lefts = [a + b for a, b in zip(lefts, shares, strict=True)]
        for row, rule_id in enumerate(rules):
            axes.annotate(
                str(sum(counts[rule_id].values())),
                (100, row),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
        axes.set_xlim(0, 100)
        axes.invert_yaxis()
        axes.set_xlabel(words("chart summary") + " (%)")
        if rules:
            axes.legend(loc="upper left", bbox_to_anchor=(1.06, 1), frameon=False, fontsize=8)
        return _svg(figure, "summary")


def trend_chart(found: Trend, words: Catalogue) -> Markup:
    """Findings at each month end, one line per status of a finding."""
    with mpl.rc_context(_RC):
        figure = Figure(figsize=(7.5, 2.6))
        axes = figure.add_subplot()
        labels = [str(day)[:7] for day in found.days]
        for status, counts in found.by_status.items():
            if any(counts):
                axes.plot(
                    labels,
                    counts,
                    marker="o",
                    markersize=3,
                    color=COLOURS[status],
                    label=words.status(status),
                )
        axes.set_title(words("trend"), loc="left", fontsize=10)
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
        if any(any(c) for c in found.by_status.values()):
            axes.legend(frameon=False, fontsize=8)
        return _svg(figure, "trend")


def sparkline(rule_id: str, counts: list[int]) -> Markup:
    """A rule's findings at each month end, small enough for its row of the summary."""
    with mpl.rc_context(_RC):
        figure = Figure(figsize=(1.6, 0.35))
        axes = figure.add_axes((0.02, 0.1, 0.96, 0.8))
        axes.plot(range(len(counts)), counts, color=COLOURS[Status.OVERDUE], linewidth=1)
        axes.set_ylim(bottom=0, top=max([*counts, 1]) * 1.1)
        axes.set_axis_off()
        return _svg(figure, f"spark-{rule_id}")


def _svg(figure: Figure, name: str) -> Markup:
    """The figure as inline SVG: no XML prolog, no date, ids salted by the chart's name."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": f"caselog-{name}"}):
        FigureCanvasSVG(figure)
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return Markup(text[text.index("<svg") :])  # noqa: S704 - matplotlib's own markup
