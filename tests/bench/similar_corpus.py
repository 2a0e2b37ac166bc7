"""A district's open cases at scale for the similarity bench: the labelled concerns of
tests/data, each told again with the small changes residents make (a village named or not, 俺
for 我, other sums, a plea at the end), spread over the tanks and stations."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
STATIONS = {
    "qianying": (39.4510, 118.2040),
    "huanggezhuang": (39.5020, 118.1330),
    "daodi": (39.6215, 118.0310),
    "xugezhuang": (39.5705, 118.0905),
    "fengnan": (39.5490, 118.1020),
    "other": (39.5300, 118.0600),
}
_VILLAGE_NAMES = "东庄 西庄 南庄 北庄 王庄 李庄 张各庄 刘家营 前营 后营 大齐庄 小集 宣庄 唐坊 侯庄"
VILLAGES = _VILLAGE_NAMES.split()
SWAPS = (
    ("俺", "我"),
    ("咋", "怎么"),
    ("工钱", "工资"),
    ("啥", "什么"),
    ("俺们", "我们"),
    ("老板", "老板子"),
)
ENDINGS = ("", "", "", "，求帮忙", "，谢谢领导", "！！", "，盼回复", "，麻烦给问问", "😭")


@dataclass(frozen=True, slots=True)
class OpenCase:
    """A generated open case."""

    id: int
    text: str
    tank: str | None
    station: str
    location: tuple[float, float] | None


def base_concerns() -> list[tuple[str, str | None]]:
    """Every labelled concern of tests/data with its tank (None for triage)."""
    out: list[tuple[str, str | None]] = []
    for path in sorted(DATA.glob("district_*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            out += [(r["text"], r["label"]) for r in csv.DictReader(f)]
    with (DATA / "similar_concerns.csv").open(encoding="utf-8", newline="") as f:
        out += [(r["text"], r["tank"]) for r in csv.DictReader(f)]
    return [(text, None if label in ("triage", "other") else label) for text, label in out]


def vary(text: str, rng: random.Random) -> str:
    """The concern as another resident might write it."""
    for a, b in SWAPS:
        if a in text and rng.random() < 0.5:
            text = text.replace(a, b)
    text = re.sub(r"\d+", lambda m: str(rng.randint(2, 99)), text)
    if rng.random() < 0.5:
        text = f"{rng.choice(VILLAGES)}村的，{text}"
    return text + rng.choice(ENDINGS)


def open_cases(n: int, seed: int = 7) -> Iterator[OpenCase]:
    """n generated open cases, the same for the same seed."""
    rng = random.Random(seed)
    bases = base_concerns()
    stations = list(STATIONS)
    for case_id in range(1, n + 1):
        text, tank = rng.choice(bases)
        station = rng.choice(stations)
        location = None
        if rng.random() < 0.5:
            lat, lon = STATIONS[station]
            location = (lat + rng.uniform(-0.03, 0.03), lon + rng.uniform(-0.03, 0.03))
        yield OpenCase(case_id, vary(text, rng), tank, station, location)
