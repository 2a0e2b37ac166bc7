"""The classifier is called from a worker thread as well as the event loop's: several threads
classifying at once get the verdicts one thread gets alone."""

from __future__ import annotations

import csv
import random
from concurrent.futures import ThreadPoolExecutor

from core.models import ThinkTank
from nlp.classifier import KeywordClassifier
from nlp.tokenizer import Tokenizer
from tests.nlp.conftest import DATA


def _concerns() -> list[str]:
    with (DATA / "district_concerns.csv").open(encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    rng = random.Random(3)
    odd = ["".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(400)) for _ in range(8)]
    return texts + odd


def test_threads_classifying_at_once_agree_with_one_alone(
    district_tanks: list[ThinkTank], tokenizer: Tokenizer
) -> None:
    # jieba's tokenizer only reads its dictionary once built; the keyword memo only grows, by
    # single dictionary stores. A fresh classifier each, so that the threads fill its memo.
    texts = _concerns()
    alone = KeywordClassifier(district_tanks, tokenizer)
    expected = [alone.classify(t) for t in texts]
    shared = KeywordClassifier(district_tanks, tokenizer)
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(shared.classify, texts * 3))
    assert got == expected * 3
