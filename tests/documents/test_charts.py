"""The PNG charts: Chinese drawn in the packaged font with no glyph missing, safe in threads."""

from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from documents.charts import (
    cases_by_tank_figure,
    cases_by_tank_png,
    png,
    rates_figure,
    rates_png,
)
from documents.errors import DocumentInputError, FieldTooLong
from documents.fonts import cjk_font_path, uncovered
from documents.records import CasesByTank, WeeklyRates
from tests.documents.samples import cases_by_tank, weekly_rates

ROOT = Path(__file__).resolve().parents[2]


def drawn_texts(figure: Figure) -> list[Text]:
    """Every text the figure shows, once drawn (tick labels exist only then)."""
    png(figure)
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize(
    "figure",
    [
        lambda: cases_by_tank_figure(cases_by_tank()),
        lambda: rates_figure(weekly_rates()),
        lambda: cases_by_tank_figure(cases_by_tank(), "en"),
        lambda: rates_figure(WeeklyRates((), (), (), ())),
    ],
    ids=["cases", "rates", "cases-en", "no-data"],
)
def test_every_drawn_character_is_in_the_packaged_fonts_cmap(figure: object) -> None:
    texts = drawn_texts(figure())  # type: ignore[operator]
    shown = "".join(t.get_text() for t in texts)
    assert uncovered(shown) == ""
    for text in texts:
        assert font_manager.findfont(text.get_fontproperties()) == cjk_font_path(), text
    assert Path(cjk_font_path()).name == "NotoSansSC-Regular.otf"


def test_the_cases_chart_shows_its_labels() -> None:
    shown = {t.get_text() for t in drawn_texts(cases_by_tank_figure(cases_by_tank()))}
    assert {"各智库诉求（按状态）", "件数", "法律", "经济", "农业", "待认领", "已转办"} <= shown
    assert {"19", "14", "35"} <= shown  # each bar's total


def test_the_rates_chart_shows_its_labels() -> None:
    shown = {t.get_text() for t in drawn_texts(rates_figure(weekly_rates()))}
    assert {"近8周三率", "响应率", "办结率", "满意率", "10-05", "11-23"} <= shown


def test_a_missing_glyph_is_caught_by_the_suite() -> None:
    """The guard itself: Chinese in a font without it warns, and the suite makes that an error."""
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "民情", family="DejaVu Sans")
    with pytest.warns(UserWarning, match="missing from font"):
        png(figure)


def test_a_character_the_font_lacks_is_drawn_as_a_box_not_missed() -> None:
    data = CasesByTank(("养殖🐄",), ("办理中",), ((2,),))
    shown = {t.get_text() for t in drawn_texts(cases_by_tank_figure(data))}
    assert "养殖□" in shown


def test_a_dollar_sign_is_text_not_mathtext() -> None:
    data = CasesByTank((r"$\foo$组",), (r"$x^2$",), ((1,),))
    shown = {t.get_text() for t in drawn_texts(cases_by_tank_figure(data))}
    assert r"$\foo$组" in shown and r"$x^2$" in shown


def test_the_pngs_are_pictures_of_the_expected_size() -> None:
    for data in (cases_by_tank_png(cases_by_tank()), rates_png(weekly_rates())):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG" and image.size == (800, 450)


def test_charts_drawn_in_threads_at_once_match_charts_drawn_alone() -> None:
    alone = [cases_by_tank_png(cases_by_tank()), rates_png(weekly_rates(12))]
    with ThreadPoolExecutor(4) as pool:
        jobs = [pool.submit(cases_by_tank_png, cases_by_tank()) for _ in range(4)]
        jobs += [pool.submit(rates_png, weekly_rates(12)) for _ in range(4)]
        together = [job.result() for job in jobs]
    assert together == [alone[0]] * 4 + [alone[1]] * 4


def test_no_pyplot_is_imported() -> None:
    script = (
        "import sys\n"
        "from documents.charts import cases_by_tank_png, rates_png\n"
        "from tests.documents.samples import cases_by_tank, weekly_rates\n"
        "cases_by_tank_png(cases_by_tank()); rates_png(weekly_rates())\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


@pytest.mark.parametrize(
    "data",
    [
        CasesByTank(("法律",), ("办理中",), ()),
        CasesByTank(("法律",), ("办理中", "已办结"), ((1,),)),
        CasesByTank(("法律",), ("办理中",), ((-1,),)),
    ],
)
def test_counts_that_do_not_fit_their_labels_are_refused(data: CasesByTank) -> None:
    with pytest.raises(DocumentInputError):
        cases_by_tank_png(data)


def test_rates_must_be_shares_one_a_week() -> None:
    weeks = weekly_rates(2).weeks
    with pytest.raises(DocumentInputError, match="between 0 and 1"):
        rates_png(WeeklyRates(weeks, (0.5, 1.5), (None, None), (None, None)))
    with pytest.raises(DocumentInputError, match="one value per week"):
        rates_png(WeeklyRates(weeks, (0.5,), (None, None), (None, None)))


def test_a_10000_character_tank_name_is_refused() -> None:
    with pytest.raises(FieldTooLong, match="tank has 10,000"):
        cases_by_tank_png(CasesByTank(("库" * 10_000,), ("办理中",), ((1,),)))
