"""Benchmark: cross-validated keywords vs a scikit-learn TF-IDF baseline, and the throughput.

    python -m tests.bench.classifier --data ../shared/data/citizen_messages_train.csv [--json]

Both are measured on the same stratified folds and the same jieba tokens. The held-out
concerns of the folds also give the threshold `nlp learn` would write (calibrated on them) and
what it does: how many are routed, and how many of those rightly. The throughput of
KeywordClassifier.classify (tokenising included) is measured beside jieba.lcut on the same
texts in the same run, and beside the classifier's own cut (jieba's words, nlp.segment), with
the learned lists and with the district's; with rjieba installed, the same again with the
rjieba backend. It prints; it never fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from config.tanks import load_other_fields, load_tanks
from core.models import ThinkTank
from nlp.calibrate import calibrate_threshold
from nlp.classifier import KeywordClassifier, domain_words
from nlp.crossval import cross_validate
from nlp.dataset import read_examples
from nlp.evaluate import Report, score, stratified_folds
from nlp.learn import METHODS, LearnOptions, to_tanks
from nlp.tokenizer import Tokenizer

DISTRICT_DATA = Path(__file__).resolve().parents[1] / "data"


def rss_mb() -> float:
    """The resident memory of this process now, in MB (Linux), else the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seconds(func: Callable[[str], object], texts: Sequence[str]) -> float:
    """How long one pass over the texts takes."""
    started = time.perf_counter()
    for text in texts:
        func(text)
    return time.perf_counter() - started


def summary(reports: Sequence[Report]) -> dict[str, Any]:
    """Per-fold and mean macro-F1 and accuracy."""
    folds = [{"macro_f1": r.macro_f1, "accuracy": r.accuracy} for r in reports]
    return {
        "macro_f1": sum(f["macro_f1"] for f in folds) / len(folds),
        "accuracy": sum(f["accuracy"] for f in folds) / len(folds),
        "folds": folds,
    }


def baseline(
    docs: list[list[str]],
    labels: list[str],
    folds: list[list[int]],
    c: float = 1.0,
    balanced: bool = False,
    sublinear: bool = False,
) -> dict[str, Any]:
    """TF-IDF + logistic regression (scikit-learn) on the same tokens and folds."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    reports = []
    for test in folds:
        held = set(test)
        train = [i for i in range(len(docs)) if i not in held]
        vec = TfidfVectorizer(analyzer=_same, sublinear_tf=sublinear)
        x_train = vec.fit_transform([docs[i] for i in train])
        model = LogisticRegression(
            C=c, max_iter=5000, class_weight="balanced" if balanced else None
        ).fit(x_train, [labels[i] for i in train])
        predicted = model.predict(vec.transform([docs[i] for i in test]))
        reports.append(score([labels[i] for i in test], [str(p) for p in predicted]))
    return summary(reports)


def _same(doc: list[str]) -> list[str]:
    return doc


def throughput(
    tokenizer: Tokenizer,
    tanks: list[ThinkTank],
    texts: list[str],
    raw: Callable[[str], object],
    rounds: int = 7,
    other_fields: dict[str, float] | None = None,
) -> dict[str, float]:
    """classify() beside the segmenter alone, on the same texts, in one run."""
    classifier = KeywordClassifier(tanks, tokenizer, other_fields)
    raw(texts[0])
    classifier.classify(texts[0])
    gc.freeze()  # as bot.py does once start-up has built its long-lived objects
    # Rounds alternate, and the best of each counts, so that drift in the machine's speed
    # falls on all alike. The classifier's own cut (the same words as the segmenter's, see
    # nlp.segment) is timed too: what classify costs beyond it is the matching's.
    segment_s, cut_s, classify_s = float("inf"), float("inf"), float("inf")
    for _ in range(rounds):
        segment_s = min(segment_s, seconds(raw, texts))
        cut_s = min(cut_s, seconds(tokenizer.cut, texts))
        classify_s = min(classify_s, seconds(classifier.classify, texts))
    segment, classify = len(texts) / segment_s, len(texts) / classify_s
    cut = len(texts) / cut_s
    return {
        "segmenter_messages_per_second": segment,
        "cut_messages_per_second": cut,
        "classify_messages_per_second": classify,
        "ratio": classify / segment,
        "ratio_to_own_cut": classify / cut,
    }


def run(path: Path, folds_k: int, seed: int, workers: int, method: str = "lists") -> dict[str, Any]:
    """Everything the benchmark measures, as one dictionary (`method`: nlp learn's)."""
    examples = read_examples(path)
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    before = rss_mb()
    started = time.perf_counter()
    tokenizer = Tokenizer()
    load = {"seconds": time.perf_counter() - started, "rss_mb": rss_mb() - before}
    docs = [tokenizer.cut(t) for t in texts]
    folds = stratified_folds(labels, folds_k, seed)
    options = LearnOptions(method=method)
    cv = cross_validate(docs, labels, tokenizer, options, folds=folds, workers=workers)
    chosen = calibrate_threshold(cv.outcomes)
    result: dict[str, Any] = {
        "messages": len(texts),
        "folds": folds_k,
        "seed": seed,
        "method": method,
        "tokenizer_load": load,
        "keywords": {**summary(cv.folds), "learn_seconds": cv.learn_seconds},
        "keywords_per_label": max(len(x.keywords) for x in cv.learned[0]),
        "calibrated": {
            "threshold": chosen.threshold,
            "routed_share": chosen.routed / max(chosen.total, 1),
            "right_share_of_routed": chosen.right / max(chosen.routed, 1),
            "wrong_cost": chosen.wrong_cost,
        },
    }
    try:
        result["sklearn_tfidf_lr_default"] = baseline(docs, labels, folds)
        result["sklearn_tfidf_lr_tuned"] = baseline(
            docs, labels, folds, c=30.0, balanced=True, sublinear=True
        )
    except ImportError:
        result["sklearn"] = "scikit-learn is not installed"
    import jieba

    jieba.initialize()
    result["throughput_jieba"] = throughput(tokenizer, to_tanks(cv.learned[0]), texts, jieba.lcut)
    district = load_tanks()
    result["throughput_district_lists"] = throughput(
        Tokenizer(domain_words(district)),
        district,
        texts,
        jieba.lcut,
        other_fields=load_other_fields(),
    )
    # The district's lists on the concerns they are for: short (about 23 characters) and full
    # of the rules' words, where the cut is cheap and the matching is not.
    own = [
        e.text for path in sorted(DISTRICT_DATA.glob("district_*.csv")) for e in read_examples(path)
    ]
    result["throughput_district_on_its_concerns"] = {
        **throughput(
            Tokenizer(domain_words(district)),
            district,
            own,
            jieba.lcut,
            other_fields=load_other_fields(),
        ),
        "messages": len(own),
        "mean_characters": sum(map(len, own)) / max(len(own), 1),
    }
    try:
        import rjieba
    except ImportError:
        result["rjieba"] = "not installed"
        return result
    fast = Tokenizer(backend="rjieba")
    fast_docs = [fast.cut(t) for t in texts]
    same = sum(a == b for a, b in zip(docs, fast_docs, strict=True)) / len(docs)
    reports = []
    for test, learned in zip(folds, cv.learned, strict=True):
        classifier = KeywordClassifier(to_tanks(learned), fast)
        predicted = [classifier.classify_tokens(fast_docs[i]).tank for i in test]
        reports.append(score([labels[i] for i in test], predicted))
    result["rjieba"] = {
        "same_tokens_share": same,
        "keywords_cv_with_rjieba_tokens": summary(reports),
        "throughput": throughput(fast, to_tanks(cv.learned[0]), texts, rjieba.cut),
    }
    return result


def report_text(r: dict[str, Any]) -> str:
    """The results for a terminal."""
    lines = [f"{r['messages']} messages, {r['folds']}-fold stratified CV, seed {r['seed']}"]
    load = r["tokenizer_load"]
    lines.append(f"tokenizer load {load['seconds']:.2f} s, +{load['rss_mb']:.0f} MB RSS")
    names = ["keywords", "sklearn_tfidf_lr_default", "sklearn_tfidf_lr_tuned"]
    for name in names:
        if name in r:
            m = r[name]
            folds = "  ".join(f"{f['macro_f1']:.3f}/{f['accuracy']:.3f}" for f in m["folds"])
            lines.append(
                f"{name:<26} macro-F1 {m['macro_f1']:.4f}  accuracy {m['accuracy']:.4f}"
                f"   folds (F1/acc): {folds}"
            )
    lines.append(f"keywords per label <= {r['keywords_per_label']}")
    c = r["calibrated"]
    lines.append(
        f"calibrated threshold {c['threshold']:.3f}: {c['routed_share']:.1%} routed, "
        f"{c['right_share_of_routed']:.1%} of those right"
    )
    for name, key in (
        ("learned", "throughput_jieba"),
        ("district", "throughput_district_lists"),
        ("district, on its own concerns", "throughput_district_on_its_concerns"),
    ):
        t = r[key]
        lines.append(
            f"throughput ({name} lists): classify {t['classify_messages_per_second']:.0f} msg/s,"
            f" jieba.lcut {t['segmenter_messages_per_second']:.0f} msg/s, ratio {t['ratio']:.1%};"
            f" its own cut alone {t['cut_messages_per_second']:.0f} msg/s, classify"
            f" {t['ratio_to_own_cut']:.1%} of that"
        )
    fast = r.get("rjieba")
    if isinstance(fast, dict):
        ft = fast["throughput"]
        lines.append(
            f"rjieba: same tokens {fast['same_tokens_share']:.1%}, CV macro-F1 with its tokens "
            f"{fast['keywords_cv_with_rjieba_tokens']['macro_f1']:.4f}; classify "
            f"{ft['classify_messages_per_second']:.0f} msg/s vs rjieba.cut "
            f"{ft['segmenter_messages_per_second']:.0f} msg/s, ratio {ft['ratio']:.1%}"
        )
    else:
        lines.append(f"rjieba: {fast}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.classifier")
    parser.add_argument("--data", type=Path, required=True, help="labelled CSV (text, label)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="processes learning folds")
    parser.add_argument("--method", choices=METHODS, default="lists", help="nlp learn's method")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.data, args.folds, args.seed, args.workers, args.method)
    print(json.dumps(result, ensure_ascii=False) if args.json else report_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
