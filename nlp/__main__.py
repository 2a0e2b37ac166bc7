"""Command line: python -m nlp learn | evaluate | classify | crossval (see --help)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from config.tanks import DEFAULT_TANKS, ConfigError, load_tanks
from nlp.calibrate import WRONG_COST, calibrate_threshold
from nlp.classifier import KeywordClassifier, domain_words
from nlp.crossval import cross_validate
from nlp.dataset import DataError, read_examples, require_labels
from nlp.evaluate import format_report, score, stratified_folds
from nlp.learn import LearnOptions, learn
from nlp.tokenizer import BACKENDS, Tokenizer, TokenizerError
from nlp.tomlio import render

_DEFAULTS = LearnOptions()
CALIBRATION_FOLDS = 5


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--backend", choices=BACKENDS, default="jieba", help="segmenter")
        return p

    p = add("learn", "learn weighted keywords per label from a labelled CSV (text,label)")
    p.add_argument("--data", type=Path, required=True, help="UTF-8 CSV with text and label")
    p.add_argument("--out", type=Path, required=True, help="the TOML file to write")
    p.add_argument("--max-keywords", type=int, default=_DEFAULTS.max_keywords)
    p.add_argument("--min-df", type=int, default=_DEFAULTS.min_df)
    p.add_argument("--c", type=float, default=_DEFAULTS.c, help="inverse regularisation")
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="confidence to route (default: calibrated on 5 held-out folds)",
    )
    p.add_argument("--wrong-cost", type=float, default=WRONG_COST, help="a wrong tank, in triages")
    p.add_argument("--workers", type=int, default=2, help="processes learning the folds")
    p = add("evaluate", "score a keywords file on a labelled CSV")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--keywords", type=Path, required=True)
    p.add_argument("--threshold", type=float, default=None, help="instead of the file's")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p = add("classify", "classify one text and show the keywords that decided")
    p.add_argument("--keywords", type=Path, default=DEFAULT_TANKS)
    p.add_argument("--json", action="store_true")
    p.add_argument("text")
    p = add("crossval", "stratified k-fold cross-validation of learning on a labelled CSV")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--json", action="store_true")
    return parser


def _learn(args: argparse.Namespace) -> int:
    examples = read_examples(args.data)
    require_labels(examples, args.data)
    if args.max_keywords < 1 or args.min_df < 1 or args.c <= 0:
        raise DataError("--max-keywords and --min-df must be at least 1, --c above 0")
    tokenizer = Tokenizer((), args.backend)
    docs = [tokenizer.cut(e.text) for e in examples]
    _check_threshold(args.threshold)
    options = LearnOptions(max_keywords=args.max_keywords, min_df=args.min_df, c=args.c)
    labels = [e.label for e in examples]
    threshold, calibration = args.threshold, ""
    if threshold is None:
        folds = stratified_folds(labels, CALIBRATION_FOLDS)
        cv = cross_validate(docs, labels, tokenizer, options, folds, args.workers)
        chosen = calibrate_threshold(cv.outcomes, args.wrong_cost)
        threshold = chosen.threshold
        calibration = f"calibrated on {CALIBRATION_FOLDS} held-out folds: {chosen.describe()}"
    learned = learn(docs, labels, options, tokenizer)
    text = render(learned, args.data.name, len(examples), threshold, calibration)
    args.out.write_text(text, encoding="utf-8")
    kept = sum(len(lab.keywords) for lab in learned)
    print(f"{args.out}: {len(learned)} labels, {kept} keywords from {len(examples)} messages")
    print(calibration or f"threshold {threshold:g} as given")
    return 0


def _check_threshold(threshold: float | None) -> None:
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise DataError(f"--threshold must be between 0 and 1, not {threshold:g}")


def _classifier(path: Path, backend: str, threshold: float | None = None) -> KeywordClassifier:
    tanks = load_tanks(path)
    if threshold is not None:
        tanks = [replace(t, threshold=threshold) for t in tanks]
    return KeywordClassifier(tanks, Tokenizer(domain_words(tanks), backend))


def _evaluate(args: argparse.Namespace) -> int:
    _check_threshold(args.threshold)
    examples = read_examples(args.data)
    classifier = _classifier(args.keywords, args.backend, args.threshold)
    started = time.perf_counter()
    predicted = [classifier.classify(e.text).tank for e in examples]
    elapsed = time.perf_counter() - started
    report = score([e.label for e in examples], predicted, len(examples) / max(elapsed, 1e-9))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def _classify(args: argparse.Namespace) -> int:
    classifier = _classifier(args.keywords, args.backend)
    result = classifier.classify(args.text)
    if args.json:
        hits = [{"keyword": h.keyword, "weight": h.weight, "count": h.count} for h in result.hits]
        out = {"tank": result.tank, "best": result.best, "confidence": result.confidence}
        print(json.dumps({**out, "hits": hits, "scores": result.scores}, ensure_ascii=False))
        return 0
    threshold = {t.code: t.threshold for t in classifier.tanks}
    if result.tank is not None:
        print(f"{result.tank}  confidence {result.confidence:.3f}")
    elif result.best is None:
        print("triage  (no keyword matched)")
    else:
        print(
            f"triage  (best {result.best}, confidence {result.confidence:.3f}"
            f" < threshold {threshold[result.best]:.3f})"
        )
    for hit in result.hits:
        print(f"  {hit.keyword}  weight {hit.weight:g}  x{hit.count}")
    print("scores: " + ", ".join(f"{code} {s:.3f}" for code, s in result.scores.items()))
    return 0


def _crossval(args: argparse.Namespace) -> int:
    examples = read_examples(args.data)
    require_labels(examples, args.data)
    tokenizer = Tokenizer((), args.backend)
    docs = [tokenizer.cut(e.text) for e in examples]
    labels = [e.label for e in examples]
    folds = stratified_folds(labels, args.folds, args.seed)
    cv = cross_validate(docs, labels, tokenizer, folds=folds, workers=args.workers)
    per_fold = [{"macro_f1": r.macro_f1, "accuracy": r.accuracy} for r in cv.folds]
    if args.json:
        out = {"macro_f1": cv.macro_f1, "accuracy": cv.accuracy, "folds": per_fold}
        print(json.dumps(out, ensure_ascii=False))
    else:
        for i, f in enumerate(per_fold, 1):
            print(f"fold {i}: macro-F1 {f['macro_f1']:.4f}  accuracy {f['accuracy']:.4f}")
        print(f"mean:   macro-F1 {cv.macro_f1:.4f}  accuracy {cv.accuracy:.4f}")
    return 0


COMMANDS = {"learn": _learn, "evaluate": _evaluate, "classify": _classify, "crossval": _crossval}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (errors go to stderr)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage or the help
        return e.code if isinstance(e.code, int) else 2
    try:
        return COMMANDS[args.command](args)
    except (DataError, ConfigError, TokenizerError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
