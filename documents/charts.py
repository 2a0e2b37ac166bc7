"""The coordinators' charts as PNG: cases by tank and state (stacked bars) and the three rates
over the last weeks (lines), labelled in the reader's language.

Each call builds its own Figure on an Agg canvas (matplotlib's object API, never pyplot), so
charts may be drawn in worker threads at once without sharing state; every text is set in the
packaged CJK font, a character it has no glyph for is drawn as a box, and no text is read as
mathtext (a "$" in a tank's name stays a "$").
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from documents.errors import DocumentInputError
from documents.fonts import FAMILY, cjk_font, uncovered
from documents.labels import label
from documents.records import CasesByTank, WeeklyRates
from documents.text import checked

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SIZE_INCHES = (8.0, 4.5)
DPI = 100
TITLE_PT = 14
NAME_LIMIT = 20
NO_GLYPH = "□"
MOST_TANKS = 30
MOST_STATES = 10
MOST_WEEKS = 104
COLOURS = (
    *("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"),
    *("#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"),
)


def cases_by_tank_figure(data: CasesByTank, locale: str = "zh") -> Figure:
    """The stacked bars: one bar per tank, one segment per state, the total on top."""
    _check_cases(data)
    figure, axes = _figure()
    font = cjk_font()
    tanks = [_shown("tank", t) for t in data.tanks]
    positions = list(range(len(tanks)))
    bottoms = [0] * len(tanks)
    for j, state in enumerate(data.states):
        heights = [row[j] for row in data.counts]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            label=_shown("state", state),
            color=COLOURS[j % len(COLOURS)],
            width=0.6,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for x, total in zip(positions, bottoms, strict=True):
        axes.text(x, total, str(total), ha="center", va="bottom", fontproperties=font)
    axes.set_xticks(positions, tanks)
    axes.set_ylabel(label("chart_cases_axis", locale), fontproperties=font)
    axes.set_title(label("chart_cases_title", locale), fontproperties=cjk_font(TITLE_PT))
    axes.set_ylim(0, max([*bottoms, 1]) * 1.15)
    if data.states and tanks:
        axes.legend(prop=font, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    else:
        _no_data(axes, locale)
    _finish(figure, axes)
    return figure


def rates_figure(data: WeeklyRates, locale: str = "zh") -> Figure:
    """The three rates, in percent, one point per week; a week with no data leaves a gap."""
    _check_rates(data)
    figure, axes = _figure()
    font = cjk_font()
    positions = list(range(len(data.weeks)))
    series = (
        ("rate_response", data.response),
        ("rate_resolution", data.resolution),
        ("rate_satisfaction", data.satisfaction),
    )
    for j, (key, values) in enumerate(series):
        percents = [math.nan if v is None else v * 100 for v in values]
        axes.plot(positions, percents, marker="o", label=label(key, locale), color=COLOURS[j])
    axes.set_xticks(positions, [f"{w.month:02d}-{w.day:02d}" for w in data.weeks])
    axes.set_ylim(0, 105)
    axes.set_ylabel(label("chart_rates_axis", locale), fontproperties=font)
    axes.set_xlabel(label("chart_week_axis", locale), fontproperties=font)
    title = label("chart_rates_title", locale, weeks=len(data.weeks))
    axes.set_title(title, fontproperties=cjk_font(TITLE_PT))
    axes.grid(axis="y", alpha=0.3)
    if data.weeks:
        axes.legend(prop=font, loc="best")
    else:
        _no_data(axes, locale)
    _finish(figure, axes)
    return figure


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (no timestamp or software name in them)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = io.BytesIO()
    FigureCanvasAgg(figure).print_png(out, metadata={"Software": None})
    return out.getvalue()


def cases_by_tank_png(data: CasesByTank, locale: str = "zh") -> bytes:
    """Cases by tank and state as PNG bytes."""
    return png(cases_by_tank_figure(data, locale))


def rates_png(data: WeeklyRates, locale: str = "zh") -> bytes:
    """The three rates over the weeks as PNG bytes."""
    return png(rates_figure(data, locale))


def _figure() -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _finish(figure: Figure, axes: Axes) -> None:
    """Tick labels in the CJK font too, and no text of the figure read as mathtext."""
    from matplotlib.text import Text

    cjk_font()
    axes.tick_params(labelfontfamily=FAMILY)
    axes.spines[["top", "right"]].set_visible(False)
    for text in figure.findobj(Text):
        text.set_parse_math(False)


def _shown(field: str, name: str) -> str:
    """A caller's name as the chart can draw it: at most NAME_LIMIT characters, and a box for
    each character the font has no glyph for (an emoji in a tank's name)."""
    name = checked(field, name, NAME_LIMIT)
    for missing in uncovered(name):
        name = name.replace(missing, NO_GLYPH)
    return name


def _no_data(axes: Axes, locale: str) -> None:
    axes.text(
        0.5,
        0.5,
        label("chart_no_data", locale),
        ha="center",
        va="center",
        transform=axes.transAxes,
        fontproperties=cjk_font(),
    )


def _check_cases(data: CasesByTank) -> None:
    if len(data.tanks) > MOST_TANKS or len(data.states) > MOST_STATES:
        raise DocumentInputError(
            f"a chart shows at most {MOST_TANKS} tanks and {MOST_STATES} states"
        )
    if len(data.counts) != len(data.tanks) or any(
        len(row) != len(data.states) for row in data.counts
    ):
        raise DocumentInputError("the counts need one row per tank and one column per state")
    if any(n < 0 for row in data.counts for n in row):
        raise DocumentInputError("a chart's counts cannot be negative")


def _check_rates(data: WeeklyRates) -> None:
    if len(data.weeks) > MOST_WEEKS:
        raise DocumentInputError(f"a chart shows at most {MOST_WEEKS} weeks")
    for values in (data.response, data.resolution, data.satisfaction):
        if len(values) != len(data.weeks):
            raise DocumentInputError("each rate needs one value per week")
        if any(v is not None and not 0 <= v <= 1 for v in values):
            raise DocumentInputError("a rate is a share between 0 and 1")
