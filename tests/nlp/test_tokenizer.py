"""The tokenizer: domain words whole, normalised input, quiet loading, backends."""

from __future__ import annotations

import sys

import pytest

from nlp.tokenizer import Tokenizer, TokenizerError, normalize


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("我们老旧小区改造啥时候开始", "老旧小区"),
        ("小区老旧小区加装电梯", "老旧小区"),
        ("我家授信被降了", "授信"),
        ("村里想建个冷链仓库", "冷链"),
        ("冷链物流补贴怎么申请", "冷链"),
        ("土地流转合同到期了", "土地流转"),
        ("申请劳动仲裁要啥材料", "劳动仲裁"),
        ("建大棚要审批吗", "大棚"),
        ("兽药店卖的疫苗", "兽药"),
    ],
)
def test_domain_words_stay_whole(tokenizer: Tokenizer, text: str, word: str) -> None:
    assert word in tokenizer.cut(text)


def test_user_words_given_at_construction_stay_whole(tokenizer: Tokenizer) -> None:
    assert "授信" in tokenizer.user_words
    assert "冷链" in tokenizer.user_words


def test_cut_normalises_and_drops_whitespace(tokenizer: Tokenizer) -> None:
    assert tokenizer.cut("冷\u200b链  ＡＰＰ\n") == ["冷链", "app"]
    assert normalize("Ｗｉ\u2060Ｆｉ\u202e") == "wifi"


def test_loading_is_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    Tokenizer(["老旧小区"])
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(TokenizerError, match="unknown tokenizer backend"):
        Tokenizer([], backend="spacy")


def test_missing_rjieba_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rjieba", None)
    with pytest.raises(TokenizerError, match="rjieba is not installed"):
        Tokenizer([], backend="rjieba")


def test_rjieba_cuts_like_jieba(tokenizer: Tokenizer) -> None:
    pytest.importorskip("rjieba")
    fast = Tokenizer(tokenizer.user_words, backend="rjieba")
    for text in ["我们老旧小区改造啥时候开始", "银行给的授信额度太低了", "村里想建个冷链仓库"]:
        assert fast.cut(text) == tokenizer.cut(text)
