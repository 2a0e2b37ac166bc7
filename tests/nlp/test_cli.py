"""The command line: bad data files get a clear message on stderr and a non-zero exit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli.main import main as cli_main
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


def test_classify_shows_a_rule_as_the_words_found(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "借给表弟两万，三年了不还"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("law ")
    assert "  借给…不还  weight " in out and "(for 借给|" in out
    assert main(["classify", "--json", "借给表弟两万，三年了不还"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert "借给…不还" in [h["shown"] for h in hits]


def test_classify_names_the_other_fields_words(capsys: pytest.CaptureFixture[str]) -> None:
    text = "通勤班车司机开得忒猛，还没到站就撵人下车"
    assert main(["classify", text]) == 0
    out = capsys.readouterr().out
    assert out.startswith("triage  (other fields 1.500 >= best law)"), out
    assert "  班车  weight 1.5  x1  (another field's word: counts against every tank)" in out
    assert out.rstrip().endswith("other fields 1.500")
    assert main(["classify", "--json", text]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["other_fields"] == 1.5
    assert {"keyword": "班车", "weight": 1.5, "count": 1, "shown": "班车", "other_field": True} in (
        result["hits"]
    )


def test_classify_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "老板拖欠工资三个月，想申请劳动仲裁"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("law  confidence")
    assert "拖欠工资  weight 3" in out
    assert main(["classify", "今天天气不错"]) == 0
    assert "triage  (no keyword matched)" in capsys.readouterr().out
    assert main(["classify", "小区门口的路灯坏了"]) == 0
    assert "triage  (only other fields' words)" in capsys.readouterr().out
    assert main(["classify", "--json", "冷链仓库"]) == 0
    assert json.loads(capsys.readouterr().out)["tank"] == "agriculture"


SMALL = "text,label\n" + "".join(
    f"{text},{label}\n"
    for text, label in [
        ("老板拖欠工资三个月想找律师", "law"),
        ("包工头拖欠工资不给能起诉吗", "law"),
        ("工地拖欠工资律师说可以仲裁", "law"),
        ("小店想贷款周转银行不给贷款", "economy"),
        ("银行贷款利息太高小店撑不住", "economy"),
        ("想开个小店贷款咋办", "economy"),
    ]
)


def test_learn_off_a_terminal_reports_progress_in_plain_lines_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "small.csv"
    data.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "learned.toml"
    assert main(["learn", "--data", str(data), "--out", str(out), "--min-df", "1"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1  # stdout: the result alone
    assert captured.out.startswith(f"{out}: 2 labels, ")
    # Each task's first and last lines; a slow machine adds periodic lines between them.
    phases: dict[str, list[str]] = {}
    for line in captured.err.splitlines():
        phases.setdefault(line.split(":", 1)[0], []).append(line)
    assert list(phases) == [
        "cutting messages",
        "calibrating (folds learned)",
        "learning (optimizer steps)",
    ]
    cutting, calibrating, learning = phases.values()
    assert cutting[0] == "cutting messages: 0/6 (0%)"
    assert cutting[-1].startswith("cutting messages: 6/6 done in ")
    assert calibrating[0] == "calibrating (folds learned): 0/5 (0%)"  # the threshold, held out
    assert re.fullmatch(r"calibrating \(folds learned\): 5/5 done in \d+\.\d s", calibrating[-1])
    assert learning[0] == "learning (optimizer steps): 0"
    assert re.fullmatch(r"learning \(optimizer steps\): (\d+)/\1 done in \d+\.\d s", learning[-1])
    between = r"[^:]+: \d+/\d+ \(\d+%\), \d+ s, about \d+ s left|learning \(optimizer steps\): \d+"
    assert all(re.fullmatch(between, line) for lines in phases.values() for line in lines[1:-1])


@pytest.mark.parametrize("command", ["evaluate", "crossval"])
def test_json_output_has_no_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    data = tmp_path / "small.csv"
    data.write_text(SMALL, encoding="utf-8")
    args = ["--keywords", "config/think_tanks.toml"] if command == "evaluate" else []
    extra = ["--folds", "2", "--workers", "1"] if command == "crossval" else []
    assert main([command, "--data", str(data), *args, *extra, "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "macro_f1" in json.loads(captured.out)
    assert main([command, "--data", str(data), *args, *extra]) == 0
    assert "done in" in capsys.readouterr().err  # the same command without --json does report


def test_minqing_nlp_classify_reads_the_configured_tanks_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tanks = tmp_path / "tanks.toml"
    tanks.write_text(
        '[tanks.forestry]\nname_zh = "林业"\n[tanks.forestry.keywords]\n"林地" = 3.0\n'
        '[tanks.law]\nname_zh = "法律"\n[tanks.law.keywords]\n"律师" = 3.0\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MINQING_THINK_TANKS", str(tanks))
    assert cli_main(["nlp", "classify", "村里的林地被占了"]) == 0
    assert capsys.readouterr().out.startswith("forestry  confidence")
    assert cli_main(["nlp", "evaluate", "--data", "nope.csv", "--keywords", str(tanks)]) == 2
    assert capsys.readouterr().err.startswith("minqing: ")
