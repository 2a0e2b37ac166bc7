"""Render the README's pictures of the office files: python docs/render_images.py [OUT_DIR].

Builds a sample report .docx and both charts with the project's own builders, then turns the
report into a picture as a person would see it printed: LibreOffice (headless) makes a PDF and
pdftoppm a PNG of its first page. Needs `apt-get install -y libreoffice-writer poppler-utils`;
the tests never run it. The official fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312) are not
free, so the rendering maps them to Noto Serif SC and 黑体 to Noto Sans SC, from the font package
the project installs; Word or WPS with the official fonts shows those instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from documents.charts import cases_by_tank_png, rates_png
from documents.records import CasesByTank, NamedResident, Report, WeeklyRates
from documents.report_docx import build_report_docx

ROOT = Path(__file__).resolve().parents[1]
LIMIT_BYTES = 300 * 1024
ALIASES = {
    "方正小标宋简体": "Noto Serif SC",
    "仿宋_GB2312": "Noto Serif SC",
    "楷体_GB2312": "Noto Serif SC",
    "宋体": "Noto Serif SC",
    "黑体": "Noto Sans SC",
}


def sample_report() -> Report:
    """A report as a member might write it from three residents' concerns."""
    return Report(
        title="关于黄各庄镇大棚区生产路破损影响农产品运输的情况反映",
        situation=(
            "近期，黄各庄镇三个村的群众通过民情联络平台反映，大棚区内的生产路多处坑洼，"
            "雨后积水，运菜车辆难以通行，部分蔬菜只能靠人力搬运出园，损耗明显增加。\n"
            "经实地察看，破损路段约2.3公里，涉及蔬菜大棚400余个、种植户160余户。"
        ),
        problems=(
            "（一）道路年久失修。生产路修建于2012年前后，路面早已超过使用年限。\n"
            "（二）养护责任不清。生产路不在农村公路养护范围，镇村两级均无专项资金。"
        ),
        suggestions=(
            "一是建议区农业农村局将大棚区生产路纳入高标准农田建设项目统筹修复；"
            "二是建议黄各庄镇明确生产路日常养护主体，建立村集体与种植户共同出资的养护机制；"
            "三是雨季前对积水严重路段先行应急处置，保障秋菜运输。"
        ),
        authors=("张立新", "李秀梅"),
        issuer="丰南区政协办公室",
        issued=date(2026, 11, 20),
        number=12,
        cases=(3, 7, 12),
        concerns=5,
        residents=(NamedResident("王秀英", "", consented=False),),
    )


def sample_charts() -> tuple[bytes, bytes]:
    """Both charts on a month of a district's figures."""
    cases = CasesByTank(
        tanks=("法律", "经济", "农业"),
        states=("待认领", "办理中", "已办结", "已转办"),
        counts=((3, 5, 21, 2), (2, 4, 16, 1), (6, 9, 38, 3)),
    )
    weeks = tuple(date(2026, 9, 7) + timedelta(weeks=i) for i in range(12))
    rates = WeeklyRates(
        weeks=weeks,
        response=(0.82, 0.85, 0.84, 0.88, 0.9, 0.87, 0.91, 0.93, 0.92, 0.94, 0.95, 0.95),
        resolution=(0.55, 0.58, 0.6, None, 0.63, 0.66, 0.7, 0.71, 0.74, 0.76, 0.78, 0.8),
        satisfaction=(0.9, 0.88, 0.91, 0.92, 0.9, 0.93, 0.92, 0.94, 0.93, 0.95, 0.94, 0.96),
    )
    return cases_by_tank_png(cases), rates_png(rates)


def fontconfig(work: Path) -> Path:
    """A fontconfig file: the system's, the packaged Noto fonts, and the official names mapped."""
    import pylopdf_fonts_zh_cn

    fonts = Path(pylopdf_fonts_zh_cn.__file__).parent
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{to}</family></prefer>'
        "</alias>"
        for name, to in ALIASES.items()
    )
    path = work / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts}</dir><cachedir>{work / 'cache'}</cachedir>{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return path


def render_docx(docx: Path, png: Path, work: Path) -> None:
    """The first page of a .docx as a PNG, through LibreOffice and pdftoppm."""
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install -y libreoffice-writer poppler-utils")
    env = {"FONTCONFIG_FILE": str(fontconfig(work)), "HOME": str(work), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(docx)],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
    pdf = work / (docx.stem + ".pdf")
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=120,
    )


def main(out: Path) -> None:
    """Write report.png, chart-cases.png and chart-rates.png into out."""
    out.mkdir(parents=True, exist_ok=True)
    cases, rates = sample_charts()
    (out / "chart-cases.png").write_bytes(cases)
    (out / "chart-rates.png").write_bytes(rates)
    with tempfile.TemporaryDirectory(prefix="minqing-render-") as tmp:
        work = Path(tmp)
        docx = work / "report.docx"
        docx.write_bytes(build_report_docx(sample_report()))
        render_docx(docx, out / "report.png", work)
    for name in ("report.png", "chart-cases.png", "chart-rates.png"):
        size = (out / name).stat().st_size
        print(f"{out / name}: {size / 1024:.0f} KiB")
        if size > LIMIT_BYTES:
            sys.exit(f"{name} is over {LIMIT_BYTES // 1024} KiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
