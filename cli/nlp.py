"""`minqing nlp learn | evaluate | classify | crossval` (also `python -m nlp ...`): learning and
measuring the keyword classifier on labelled CSV files."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from cli import CommandError
from cli.common import Subparsers
from cli.progress import Progress, progress_for
from config.settings import Settings
from config.tanks import ConfigError, load_other_fields, load_tanks
from nlp.calibrate import WRONG_COST
from nlp.classifier import KeywordClassifier, domain_words
from nlp.dataset import DataError, Example, read_examples, require_labels
from nlp.evaluate import format_report, score, stratified_folds
from nlp.learn import METHODS, LearnOptions
from nlp.tokenizer import BACKENDS, Tokenizer, TokenizerError

_DEFAULTS = LearnOptions()
_CHUNK = 64  # messages classified between progress reports
CALIBRATION_FOLDS = 5


def add_commands(sub: Subparsers) -> None:
    """Register learn, evaluate, classify and crossval."""

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--backend", choices=BACKENDS, default="jieba", help="segmenter (default jieba)"
        )
        return p

    p = add("learn", "learn weighted keywords per label from a labelled CSV (text,label)")
    p.add_argument("--data", type=Path, required=True, help="UTF-8 CSV with text and label")
    p.add_argument("--out", type=Path, required=True, help="the TOML file to write")
    p.add_argument(
        "--max-keywords",
        type=int,
        default=None,
        metavar="N",
        help=f"keywords kept per label (default {_DEFAULTS.max_keywords} for lists,"
        f" {_DEFAULTS.svm_keywords} for nbsvm)",
    )
    p.add_argument(
        "--min-df",
        type=int,
        default=_DEFAULTS.min_df,
        metavar="N",
        help=f"messages a word must be in to be a candidate (default {_DEFAULTS.min_df})",
    )
    p.add_argument(
        "--c",
        type=float,
        default=_DEFAULTS.c,
        help=f"inverse regularisation (default {_DEFAULTS.c:g})",
    )
    _add_pairs_option(p)
    _add_method_option(p)
    p.add_argument(
        "--biases",
        action="store_true",
        help=f"calibrate a bias per label on {CALIBRATION_FOLDS} held-out folds (default: all 0)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"confidence to route (default: calibrated on {CALIBRATION_FOLDS} held-out folds)",
    )
    p.add_argument(
        "--wrong-cost",
        type=float,
        default=WRONG_COST,
        help=f"what a wrong tank costs, in triages, when calibrating (default {WRONG_COST:g})",
    )
    p.add_argument(
        "--workers", type=int, default=2, help="folds learned at once when calibrating (default 2)"
    )
    p.set_defaults(handler=learn_command)
    p = add("evaluate", "score a keywords file on a labelled CSV")
    p.add_argument("--data", type=Path, required=True, help="UTF-8 CSV with text and label")
    p.add_argument("--keywords", type=Path, required=True, help="the keywords (tanks) TOML file")
    p.add_argument(
        "--threshold", type=float, default=None, help="route at this confidence, not the file's"
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout, no progress")
    p.set_defaults(handler=evaluate_command)
    p = add("classify", "classify one text and show the keywords that decided")
    p.add_argument(
        "--keywords", type=Path, help="the keywords (tanks) TOML file (default MINQING_THINK_TANKS)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("text", help="the message to classify")
    p.set_defaults(handler=classify_command)
    p = add("crossval", "stratified k-fold cross-validation of learning on a labelled CSV")
    p.add_argument("--data", type=Path, required=True, help="UTF-8 CSV with text and label")
    p.add_argument("--folds", type=int, default=5, help="how many folds (default 5)")
    p.add_argument("--seed", type=int, default=0, help="the shuffle's seed (default 0)")
    p.add_argument("--workers", type=int, default=2, help="folds learned at once (default 2)")
    _add_pairs_option(p)
    _add_method_option(p)
    p.add_argument(
        "--bias-folds",
        type=int,
        default=_DEFAULTS.bias_folds,
        metavar="N",
        help="calibrate a bias per label on N inner folds of each training set; 0 for none"
        f" (default {_DEFAULTS.bias_folds})",
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout, no progress")
    p.set_defaults(handler=crossval_command)


def _add_method_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--method",
        choices=METHODS,
        default=_DEFAULTS.method,
        help="lists: up to --max-keywords words per label; nbsvm: every word in --min-df"
        " messages, weighed by two linear SVMs per label, and a bias per label"
        f" (default {_DEFAULTS.method})",
    )


def _add_pairs_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--pairs",
        type=int,
        default=_DEFAULTS.pairs,
        metavar="N",
        help=f'pair rules ("a + b") learned per label (default {_DEFAULTS.pairs})',
    )


def _cut(tokenizer: Tokenizer, examples: Sequence[Example], progress: Progress) -> list[list[str]]:
    docs = []
    with progress.task("cutting messages", len(examples)) as task:
        for e in examples:
            docs.append(tokenizer.cut(e.text))
            task.advance()
    return docs


def learn_command(settings: Settings | None, args: argparse.Namespace) -> int:
    """Learn a keywords file from labelled messages."""
    from nlp.learn import learn
    from nlp.tankfile import render

    examples = read_examples(args.data)
    require_labels(examples, args.data)
    too_few = args.max_keywords is not None and args.max_keywords < 1
    if too_few or args.min_df < 1 or args.c <= 0 or args.pairs < 0:
        raise DataError(
            "--max-keywords and --min-df must be at least 1, --c above 0, --pairs at least 0"
        )
    _check_threshold(args.threshold)
    progress = progress_for()
    tokenizer = Tokenizer((), args.backend)
    docs = _cut(tokenizer, examples, progress)
    options = LearnOptions(min_df=args.min_df, c=args.c, pairs=args.pairs, method=args.method)
    if args.max_keywords is not None:
        field = "svm_keywords" if args.method == "nbsvm" else "max_keywords"
        options = replace(options, **{field: args.max_keywords})
    labels = [e.label for e in examples]
    threshold, calibration = args.threshold, ""
    biases: dict[str, float] = {}
    if threshold is None or args.biases:
        from nlp.biases import calibrate_biases, outcomes
        from nlp.calibrate import calibrate_threshold
        from nlp.crossval import cross_validate

        folds = stratified_folds(labels, CALIBRATION_FOLDS)
        plain = replace(options, bias_folds=0)
        with progress.task("calibrating (folds learned)", len(folds)) as task:
            cv = cross_validate(
                docs, labels, tokenizer, plain, folds, args.workers, progress=task.update
            )
        biases = calibrate_biases(cv.held_out) if args.biases else {}
        if threshold is None:
            chosen = calibrate_threshold(outcomes(cv.held_out, biases), args.wrong_cost)
            threshold = chosen.threshold
            calibration = f"calibrated on {CALIBRATION_FOLDS} held-out folds: {chosen.describe()}"
        if biases:
            calibration += (
                f"{'; ' if calibration else ''}biases calibrated on {CALIBRATION_FOLDS}"
                " held-out folds for macro-F1"
            )
    with progress.task("learning (optimizer steps)", None) as task:
        learned = learn(docs, labels, options, tokenizer, progress=task.update)
    if biases:
        from nlp.biases import with_biases

        learned = with_biases(learned, biases)
    text = render(learned, args.data.name, len(examples), threshold, calibration)
    args.out.write_text(text, encoding="utf-8")
    kept = sum(len(lab.keywords) for lab in learned)
    how = calibration or "as given"
    print(
        f"{args.out}: {len(learned)} labels, {kept} keywords from {len(examples)} messages;"
        f" threshold {threshold:g} ({how})"
    )
    return 0


def _check_threshold(threshold: float | None) -> None:
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise DataError(f"--threshold must be between 0 and 1, not {threshold:g}")


def _classifier(path: Path, backend: str, threshold: float | None = None) -> KeywordClassifier:
    tanks = load_tanks(path)
    if threshold is not None:
        tanks = [replace(t, threshold=threshold) for t in tanks]
    tokenizer = Tokenizer(domain_words(tanks), backend)
    return KeywordClassifier(tanks, tokenizer, load_other_fields(path))


def evaluate_command(settings: Settings | None, args: argparse.Namespace) -> int:
    """Score a keywords file on labelled messages."""
    _check_threshold(args.threshold)
    examples = read_examples(args.data)
    classifier = _classifier(args.keywords, args.backend, args.threshold)
    predicted: list[str | None] = []
    elapsed = 0.0
    with progress_for(silent=args.json).task("classifying", len(examples)) as task:
        for start in range(0, len(examples), _CHUNK):
            chunk = examples[start : start + _CHUNK]
            started = time.perf_counter()
            predicted += [classifier.classify(e.text).tank for e in chunk]
            elapsed += time.perf_counter() - started
            task.advance(len(chunk))
    report = score([e.label for e in examples], predicted, len(examples) / max(elapsed, 1e-9))
    from cli import tables

    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return 0
    console = tables.stdout_console()
    if console.is_terminal:
        tables.show(console, tables.evaluation_tables(report))
    else:
        print(format_report(report))
    return 0


def classify_command(settings: Settings | None, args: argparse.Namespace) -> int:
    """Classify one text and explain the decision."""
    from config.tanks import DEFAULT_TANKS

    default = settings.think_tanks if settings is not None else DEFAULT_TANKS
    classifier = _classifier(args.keywords or default, args.backend)
    result = classifier.classify(args.text)
    if args.json:
        hits = [
            {"keyword": h.keyword, "weight": h.weight, "count": h.count, "shown": h.shown}
            | ({"other_field": True} if h.other else {})
            for h in result.hits
        ]
        out = {"tank": result.tank, "best": result.best, "confidence": result.confidence}
        both = {"scores": result.scores, "other_fields": result.other}
        print(json.dumps({**out, "hits": hits, **both}, ensure_ascii=False))
        return 0
    threshold = {t.code: t.threshold for t in classifier.tanks}
    if result.tank is not None:
        print(f"{result.tank}  confidence {result.confidence:.3f}")
    elif result.best is None:
        print(
            "triage  (only other fields' words)" if result.hits else "triage  (no keyword matched)"
        )
    elif result.other >= result.scores[result.best]:
        print(f"triage  (other fields {result.other:.3f} >= best {result.best})")
    else:
        print(
            f"triage  (best {result.best}, confidence {result.confidence:.3f}"
            f" < threshold {threshold[result.best]:.3f})"
        )
    for hit in result.hits:  # as written (a typo, a rule's words found), then the list's entry
        listed = f"  (for {hit.keyword})" if hit.written else ""
        other = "  (another field's word: counts against every tank)" if hit.other else ""
        print(f"  {hit.shown}  weight {hit.weight:g}  x{hit.count}{listed}{other}")
    scores = [f"{code} {s:.3f}" for code, s in result.scores.items()]
    if result.other:
        scores.append(f"other fields {result.other:.3f}")
    print("scores: " + ", ".join(scores))
    return 0


def crossval_command(settings: Settings | None, args: argparse.Namespace) -> int:
    """Cross-validate learning on labelled messages."""
    from nlp.crossval import cross_validate

    examples = read_examples(args.data)
    require_labels(examples, args.data)
    if args.pairs < 0 or args.bias_folds < 0:
        raise DataError("--pairs and --bias-folds must be at least 0")
    progress = progress_for(silent=args.json)
    tokenizer = Tokenizer((), args.backend)
    docs = _cut(tokenizer, examples, progress)
    labels = [e.label for e in examples]
    folds = stratified_folds(labels, args.folds, args.seed)
    with progress.task("learning folds", len(folds)) as task:
        cv = cross_validate(
            docs,
            labels,
            tokenizer,
            LearnOptions(pairs=args.pairs, bias_folds=args.bias_folds, method=args.method),
            folds=folds,
            workers=args.workers,
            progress=task.update,
        )
    per_fold = [{"macro_f1": r.macro_f1, "accuracy": r.accuracy} for r in cv.folds]
    if args.json:
        out = {"macro_f1": cv.macro_f1, "accuracy": cv.accuracy, "folds": per_fold}
        print(json.dumps(out, ensure_ascii=False))
    else:
        for i, f in enumerate(per_fold, 1):
            print(f"fold {i}: macro-F1 {f['macro_f1']:.4f}  accuracy {f['accuracy']:.4f}")
        print(f"mean:   macro-F1 {cv.macro_f1:.4f}  accuracy {cv.accuracy:.4f}")
    return 0


def run_checked(settings: Settings | None, args: argparse.Namespace) -> int:
    """Run an nlp command, its data and file problems as one-line CommandErrors."""
    try:
        code: int = args.handler(settings, args)
    except (DataError, ConfigError, TokenizerError, ValueError) as e:
        raise CommandError(str(e)) from e
    except OSError as e:
        raise CommandError(f"{e.filename or ''}: {e.strerror or e}") from e
    return code


def standalone_main(argv: Sequence[str] | None = None) -> int:
    """`python -m nlp ...`: the same commands without the bot's settings; errors on stderr
    as `error: ...`, exit code 2."""
    parser = argparse.ArgumentParser(
        prog="python -m nlp", description="learn and measure the keyword classifier"
    )
    add_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage or the help
        return e.code if isinstance(e.code, int) else 2
    try:
        return run_checked(None, args)
    except CommandError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
