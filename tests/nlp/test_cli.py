"""The command line: bad data files get a clear message on stderr and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.__main__ import main
from tests.nlp.conftest import DATA

GOOD = "text,label\n工资不给,law\n贷款太难,economy\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"text,category\n\xe5\xb7\xa5\xe8\xb5\x84,law\n", "missing column(s) label"),
        ("text,label\n工资不给,\n贷款,economy\n".encode(), "line 2: empty label"),
        ("text,label\n工资不给,law\n".encode("gbk"), "not UTF-8"),
        ("text,label\n工资不给,law\n欠薪,law\n".encode(), "learning needs at least 2"),
        (b"text,label\n", "no rows"),
        (b'text,label\n"unclosed,law\n', "not valid CSV"),
    ],
)
def test_bad_data_is_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    data = tmp_path / "bad.csv"
    data.write_bytes(content)
    code = main(["learn", "--data", str(data), "--out", str(tmp_path / "out.toml")])
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert err.startswith("error: ")
    assert not (tmp_path / "out.toml").exists()


def test_missing_file_and_bad_keywords_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["learn", "--data", str(tmp_path / "nope.csv"), "--out", "x.toml"]) == 2
    assert "file not found" in capsys.readouterr().err
    data = tmp_path / "ok.csv"
    data.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[tanks]\n", encoding="utf-8")
    assert main(["evaluate", "--data", str(data), "--keywords", str(bad)]) == 2
    assert "no [tanks.<code>] tables" in capsys.readouterr().err


def test_usage_errors_return_a_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nonsense"]) == 2
    assert main(["--help"]) == 0
    capsys.readouterr()


def test_evaluate_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "evaluate",
            "--data",
            str(DATA / "district_concerns.csv"),
            "--keywords",
            "config/think_tanks.toml",
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {
        "macro_f1",
        "accuracy",
        "per_label",
        "confusion",
        "triage_share",
        "messages_per_second",
    }
    assert report["accuracy"] >= 0.9


def test_classify_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "老板拖欠工资三个月，想申请劳动仲裁"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("law  confidence")
    assert "拖欠工资  weight 3" in out
    assert main(["classify", "小区门口的路灯坏了"]) == 0
    assert "triage  (no keyword matched)" in capsys.readouterr().out
    assert main(["classify", "--json", "冷链仓库"]) == 0
    assert json.loads(capsys.readouterr().out)["tank"] == "agriculture"
