"""Stratified k-fold cross-validation of learned keywords, folds learned in parallel.

Each fold's lists are learned on the other folds only, biases included: with
`LearnOptions.bias_folds`, the training folds are themselves cut into that many inner folds,
and the biases calibrated on those inner held-out concerns (learn_calibrated); the test fold is
never looked at until it is scored.
"""

from __future__ import annotations

import functools
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

from nlp.biases import Scored, calibrate_biases, with_biases
from nlp.calibrate import Outcome
from nlp.classifier import KeywordClassifier
from nlp.evaluate import Report, score, stratified_folds
from nlp.learn import LearnedLabel, LearnOptions, learn, to_tanks
from nlp.tokenizer import Tokenizer


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Each fold's report, the held-out outcomes, and the means."""

    folds: list[Report]
    learn_seconds: float
    learned: list[list[LearnedLabel]]
    outcomes: list[Outcome]  # every held-out concern: its best tank's confidence, and if right
    held_out: list[Scored] = field(default_factory=list)  # every held-out concern's scores

    @property
    def macro_f1(self) -> float:
        """Mean macro-F1 over the folds."""
        return sum(r.macro_f1 for r in self.folds) / len(self.folds)

    @property
    def accuracy(self) -> float:
        """Mean accuracy over the folds."""
        return sum(r.accuracy for r in self.folds) / len(self.folds)


@functools.cache
def _tokenizer(user_words: tuple[str, ...], backend: str) -> Tokenizer:
    """One tokenizer per worker process, made on first use."""
    return Tokenizer(user_words, backend)


def _learn(
    docs: Sequence[Sequence[str]],
    labels: Sequence[str],
    options: LearnOptions,
    user_words: tuple[str, ...],
    backend: str,
) -> list[LearnedLabel]:
    return learn_calibrated(docs, labels, options, _tokenizer(user_words, backend))


def learn_calibrated(
    docs: Sequence[Sequence[str]],
    labels: Sequence[str],
    options: LearnOptions,
    tokenizer: Tokenizer,
) -> list[LearnedLabel]:
    """Learn on all the messages, with biases calibrated on `options.bias_folds` inner folds
    of them (none below 2)."""
    learned = learn(docs, labels, options, tokenizer)
    if options.bias_folds < 2:
        return learned
    inner = cross_validate(
        [list(d) for d in docs],
        labels,
        tokenizer,
        replace(options, bias_folds=0),
        stratified_folds(labels, options.bias_folds),
    )
    return with_biases(learned, calibrate_biases(inner.held_out))


def cross_validate(
    docs: Sequence[list[str]],
    labels: Sequence[str],
    tokenizer: Tokenizer,
    options: LearnOptions | None = None,
    folds: Sequence[Sequence[int]] | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> CrossValidation:
    """Learn on all folds but one and score on that one, for each fold (docs already cut);
    `progress` is told how many folds are learned, as each is."""
    opts = options or LearnOptions()
    test_folds = folds if folds is not None else stratified_folds(labels)
    jobs = []
    for test in test_folds:
        held = set(test)
        train = [i for i in range(len(docs)) if i not in held]
        jobs.append(
            (
                [docs[i] for i in train],
                [labels[i] for i in train],
                opts,
                tokenizer.user_words,
                tokenizer.backend,
            )
        )
    started = time.perf_counter()
    if workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_learn, *job) for job in jobs]
            for done, _ in enumerate(as_completed(futures), 1):
                if progress is not None:
                    progress(done)
            learned = [f.result() for f in futures]
    else:
        learned = []
        for d, y, o, *_ in jobs:
            learned.append(learn_calibrated(d, y, o, tokenizer))
            if progress is not None:
                progress(len(learned))
    seconds = time.perf_counter() - started
    reports, outcomes, held_out = [], [], []
    for test, labels_learned in zip(test_folds, learned, strict=True):
        classifier = KeywordClassifier(to_tanks(labels_learned), tokenizer)
        results = [classifier.classify_tokens(docs[i]) for i in test]
        reports.append(score([labels[i] for i in test], [r.tank for r in results]))
        outcomes += [
            Outcome(r.confidence, r.best == labels[i]) for i, r in zip(test, results, strict=True)
        ]
        held_out += [Scored(r.scores, labels[i]) for i, r in zip(test, results, strict=True)]
    return CrossValidation(reports, seconds, learned, outcomes, held_out)
