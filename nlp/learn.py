"""Learning weighted keywords per label from labelled messages.

1. Features: each word of a message (a token with a letter in it), and each such word found
   inside a longer token, kept when it occurs in at least `min_df` messages. A message's value
   for a word is (1 + ln count) * idf, the vector scaled to length 1 (sublinear TF-IDF).
2. A multinomial logistic regression with non-negative weights (nlp.optimize), messages weighed
   by `class_balance` (a small label's count more, though not fully as much as a large
   label's), is fitted on all features, then refitted on the best `schedule` words of each
   label, and again, down to `max_keywords` per label.
   With `pairs`, each label also gets up to that many pair rules ("a + b": two of its words
   that together say more for it than either alone, nlp.pairs), chosen on these messages
   only, fitted with the words (a rule's value is 1 when both words are in the message) and
   kept while their weight stays positive; they do not count against `max_keywords`.
3. The stored weight of a word is its learned weight times its idf: the classifier then scores
   weight * (1 + ln count) with no need for the idf (the length scaling changes no decision).
   A last fit of one scale for all weights (temperature scaling, on the training messages)
   makes the confidence closer to a probability; biases stay 0.
The fits stop after `max_iter` steps: on the citizen messages that early stop did better in
cross-validation than fitting to convergence (it regularises).

Given the tokenizer the lists will be used with, the refits on chosen words count them as the
classifier will (nlp.matching: a longer keyword covers the shorter ones inside it, glued
one-character words, typos by sound), so the weights are fitted to what the lists will see.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from core.models import ThinkTank
from nlp.features import feature_counts, is_word
from nlp.keywords import build_index
from nlp.matching import count_keywords
from nlp.optimize import Problem, fit
from nlp.pairs import choose_pairs, rule_text
from nlp.tokenizer import Tokenizer

METHODS = ("lists", "nbsvm")

Progress = Callable[[int, int], None]
"""Told (steps done, steps in all) as long work goes on."""


@dataclass(frozen=True, slots=True)
class LearnOptions:
    """The knobs of learning; the defaults are the ones measured in the benchmark."""

    max_keywords: int = 150
    min_df: int = 2
    c: float = 30.0
    screen: int = 1000
    schedule: tuple[int, ...] = (300,)
    max_iter: int = 100
    decimals: int = 3
    calibrate: bool = True
    # Each message weighs (n / (labels * its label's messages)) ** class_balance: 1 makes each
    # label count the same, 0 each message; between, small labels are neither drowned nor
    # over-predicted (on the citizen messages 0 to 0.5 did alike, and better than 1: README).
    class_balance: float = 0.5
    # Cross-validation calibrates per-label biases on this many inner folds of each training
    # set (nlp.biases, nlp.crossval.learn_calibrated); 0 leaves the biases at 0, as learn()
    # does: `nlp learn --biases` calibrates them on its own held-out folds. Off by default:
    # on the citizen messages they did no better than none (README).
    bias_folds: int = 0
    pairs: int = 0  # pair rules ("a + b") learned per label besides its keywords (nlp.pairs)
    pair_min_df: int = 3  # a label's messages a pair must be in together
    pair_words: int = 150  # a label's screened words its pairs may be made of
    # "lists": the fit above, down to `max_keywords` per label. "nbsvm": one linear SVM per
    # label against the rest on all words, with naive Bayes log-count ratios scaling the words
    # (Wang & Manning 2012), plus one without them, summed (learn_nbsvm): many more keywords
    # per label, and biases; on the citizen messages 0.89-0.90 macro-F1 in cross-validation
    # where the lists reach 0.86-0.87 (README).
    method: str = "lists"
    svm_c: float = 0.5
    svm_balance: float = 1.0  # class_balance of the SVMs: fully balanced did best there
    # nbsvm keeps each label's strongest this many words (all: 0): on the citizen messages
    # 2,000 decided as well as all ~11,000 and classify faster than jieba.lcut cuts (README).
    svm_keywords: int = 2000


@dataclass(frozen=True, slots=True)
class LearnedLabel:
    """One label's bias and keywords with their weights, strongest first."""

    label: str
    bias: float
    keywords: dict[str, float] = field(default_factory=dict)


def _rows(
    counts: Sequence[Counter[str]], active: dict[str, int], idf: Sequence[float]
) -> list[tuple[list[int], list[float]]]:
    rows = []
    for doc in counts:
        pairs = sorted(
            (active[w], (1.0 + math.log(n)) * idf[active[w]]) for w, n in doc.items() if w in active
        )
        norm = math.sqrt(sum(v * v for _, v in pairs)) or 1.0
        rows.append(([f for f, _ in pairs], [v / norm for _, v in pairs]))
    return rows


def as_matched(
    documents: Sequence[Sequence[str]], words: Sequence[str], tokenizer: Tokenizer
) -> list[Counter[str]]:
    """Each document's counts of `words`, found the way the classifier finds keywords."""
    index = build_index([ThinkTank("words", "", "", keywords=dict.fromkeys(words, 1.0))], tokenizer)
    texts = [k.text for k in index.keywords]
    return [
        Counter({texts[kid]: n for kid, n in count_keywords(index, list(doc)).items()})
        for doc in documents
    ]


def _candidates(
    documents: Sequence[Sequence[str]], labels: Sequence[str], min_df: int
) -> tuple[list[str], list[int], list[Counter[str]], Counter[str], list[str]]:
    """What both methods start from: the labels sorted, each message's label number, its word
    counts (nlp.features), each word's document frequency, and the words in `min_df` messages."""
    names = sorted(set(labels))
    classes = [names.index(label) for label in labels]
    vocabulary = {t for doc in documents for t in doc if is_word(t)}
    counts = [feature_counts(doc, vocabulary) for doc in documents]
    df = Counter(w for doc in counts for w in doc)
    words = sorted(w for w, n in df.items() if n >= min_df)
    return names, classes, counts, df, words


def idf_of(df: int, n: int) -> float:
    """Smoothed inverse document frequency of a word in `df` of `n` messages."""
    return math.log((1 + n) / (1 + df)) + 1.0


def learn(
    documents: Sequence[Sequence[str]],
    labels: Sequence[str],
    options: LearnOptions | None = None,
    tokenizer: Tokenizer | None = None,
    progress: Progress | None = None,
) -> list[LearnedLabel]:
    """Learn keywords for each label from tokenized documents; labels come out sorted.
    `progress` is told (optimizer steps done, steps at most) as the fits go on."""
    opts = options or LearnOptions()
    if opts.method == "nbsvm":
        return learn_nbsvm(documents, labels, opts, tokenizer, progress)
    if opts.method != "lists":
        raise ValueError(f"unknown learning method {opts.method!r}: one of {', '.join(METHODS)}")
    names, classes, counts, df, words = _candidates(documents, labels, opts.min_df)
    n = len(documents)
    idf_by_word = {w: idf_of(df[w], n) for w in words}
    sample_weights = class_weights(classes, opts.class_balance)

    chosen = screen(counts, classes, words, opts.screen)
    rules = _add_pairs(counts, classes, chosen, df, opts) if opts.pairs else set()
    idf_by_word.update({r: idf_of(df[r], n) for r in rules})
    weights: list[dict[str, float]] = []
    steps = [k for k in opts.schedule if k > opts.max_keywords]
    rounds = (None, *steps, opts.max_keywords)
    total = len(rounds) * opts.max_iter
    for round_no, keep in enumerate(rounds):
        if keep is not None:
            chosen = [_strongest(ws, keep, rules) for ws in weights]
        active_words = sorted({w for ws in chosen for w in ws})
        active = {w: i for i, w in enumerate(active_words)}
        idf = [idf_by_word[w] for w in active_words]
        if keep is not None and tokenizer is not None:
            counts = as_matched(documents, active_words, tokenizer)
        problem = Problem(
            rows=_rows(counts, active, idf),
            classes=classes,
            sample_weights=sample_weights,
            n_features=len(active_words),
            allowed=[[active[w] for w in ws] for ws in chosen],
        )
        on_step = _steps(progress, round_no * opts.max_iter, total)
        result = fit(problem, opts.c, max_iter=opts.max_iter, on_step=on_step)
        weights = [
            {w: result.weights[c][active[w]] * idf_by_word[w] for w in ws}
            for c, ws in enumerate(chosen)
        ]
        if all(len(set(ws) - rules) <= opts.max_keywords for ws in chosen):
            break
    if progress is not None:
        progress(total, total)
    scale = calibrate(counts, classes, sample_weights, weights) if opts.calibrate else 1.0
    out = []
    for c, name in enumerate(names):
        ranked = sorted(weights[c].items(), key=lambda p: (-p[1], p[0]))
        kept = {w: round(v * scale, opts.decimals) for w, v in ranked}
        out.append(LearnedLabel(name, 0.0, {w: v for w, v in kept.items() if v > 0}))
    return out


def class_weights(classes: Sequence[int], balance: float) -> list[float]:
    """Each message's weight in the fit: (n / (labels * its label's messages)) ** balance.

    With 1 every label weighs the same in all, with 0 every message does."""
    n, sizes = len(classes), Counter(classes)
    return [(n / (len(sizes) * sizes[c])) ** balance for c in classes]


def _strongest(weights: dict[str, float], keep: int, rules: AbstractSet[str]) -> list[str]:
    """The `keep` strongest words of positive weight, and every pair rule of positive weight."""
    ranked = sorted(weights.items(), key=lambda p: (-p[1], p[0]))
    words = [w for w, v in ranked if v > 0 and w not in rules][:keep]
    return words + [w for w, v in ranked if v > 0 and w in rules]


def _add_pairs(
    counts: Sequence[Counter[str]],
    classes: Sequence[int],
    chosen: list[list[str]],
    df: Counter[str],
    opts: LearnOptions,
) -> set[str]:
    """Choose each label's pair rules, count them in the messages (once) and in `df`, and add
    them to the label's chosen features; returns the rules' texts."""
    sets = [set(doc) for doc in counts]
    pairs = choose_pairs(
        sets, classes, [ws[: opts.pair_words] for ws in chosen], opts.pairs, opts.pair_min_df
    )
    rules: set[str] = set()
    for c, label_pairs in enumerate(pairs):
        for a, b in label_pairs:
            text = rule_text((a, b))
            if text not in rules:
                rules.add(text)
                for doc, words in zip(counts, sets, strict=True):
                    if a in words and b in words:
                        doc[text] = 1
                        df[text] += 1
            chosen[c].append(text)
    return rules


def _steps(progress: Progress | None, base: int, total: int) -> Callable[[int], None] | None:
    """A fit's step numbers as progress of the whole learning."""
    if progress is None:
        return None
    report = progress
    return lambda step: report(base + step, total)


def screen(
    counts: Sequence[Counter[str]], classes: Sequence[int], words: Sequence[str], keep: int
) -> list[list[str]]:
    """Per class, the `keep` words most over-represented in its messages (by document share)."""
    k = max(classes) + 1
    in_class = [Counter[str]() for _ in range(k)]
    for doc, c in zip(counts, classes, strict=True):
        in_class[c].update(doc.keys())
    sizes = Counter(classes)
    n = len(classes)
    total = Counter[str]()
    for c in range(k):
        total.update(in_class[c])
    chosen = []
    for c in range(k):
        rest = max(1, n - sizes[c])
        lift = {w: in_class[c][w] / sizes[c] - (total[w] - in_class[c][w]) / rest for w in words}
        ranked = sorted((w for w in words if lift[w] > 0), key=lambda w: (-lift[w], w))
        chosen.append(ranked[:keep])
    return chosen


def calibrate(
    counts: Sequence[Counter[str]],
    classes: Sequence[int],
    sample_weights: Sequence[float],
    weights: Sequence[dict[str, float]],
    biases: Sequence[float] | None = None,
) -> float:
    """The one scale of all weights that makes the softmax of the scores fit the training labels.

    Temperature scaling: it changes no decision, only the confidence. The loss is convex in the
    scale, so a golden-section search finds it.
    """
    offsets = biases or [0.0] * len(weights)
    scores = [
        [
            b + sum(ws[w] * (1.0 + math.log(n)) for w, n in doc.items() if w in ws)
            for ws, b in zip(weights, offsets, strict=True)
        ]
        for doc in counts
    ]

    def loss(scale: float) -> float:
        total = 0.0
        for row, y, s in zip(scores, classes, sample_weights, strict=True):
            z = [scale * v for v in row]
            top = max(z)
            total += s * (top + math.log(sum(math.exp(v - top) for v in z)) - z[y])
        return total

    low, high = 0.0, 4.0
    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = loss(a), loss(b)
    for _ in range(40):
        if fa <= fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = loss(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = loss(b)
    return (low + high) / 2


def learn_nbsvm(
    documents: Sequence[Sequence[str]],
    labels: Sequence[str],
    opts: LearnOptions,
    tokenizer: Tokenizer | None = None,
    progress: Progress | None = None,
) -> list[LearnedLabel]:
    """Keywords and a bias per label from two linear SVMs per label, one against the rest.

    Features as for the lists (every word in `min_df` messages, counted as the classifier
    will count it), (1 + ln count) * idf, with no length scaling (the classifier has none:
    one scale for all messages instead). Per label, one SVM on these values and one on them
    times the words' NB log-count ratio for the label (how much likelier a message of the label
    holds the word than another); a word's weight is the sum of the two. Adding the same amount
    to a word's weight in every label changes no decision, so each word's smallest weight is
    taken off all of its weights, and the smallest bias off all biases: no weight is negative,
    a word speaks only for labels. Each label keeps its `svm_keywords` strongest words, and the
    weights are scaled for confidence as the lists' are (calibrate).
    """
    import numpy as np

    from nlp.svm import Sparse, fit_svm

    names, classes, counts, df, words = _candidates(documents, labels, opts.min_df)
    if tokenizer is not None:
        counts = as_matched(documents, words, tokenizer)
    n = len(documents)
    active = {w: i for i, w in enumerate(words)}
    idf = np.array([idf_of(df[w], n) for w in words])
    rows = []
    for doc in counts:
        pairs = sorted((active[w], 1.0 + math.log(k)) for w, k in doc.items() if w in active)
        rows.append(([f for f, _ in pairs], [v * idf[f] for f, v in pairs]))
    x = Sparse.from_rows(rows, len(words))
    norms = np.sqrt(np.bincount(x.rows, x.vals * x.vals, n))
    scale = float(np.median(norms)) or 1.0
    x = x.scaled(np.full(len(words), 1.0 / scale))
    sample_weights = np.array(class_weights(classes, opts.svm_balance))
    truth = np.array(classes)
    weights = np.zeros((len(names), len(words)))
    biases = np.zeros(len(names))
    for c in range(len(names)):
        positive = truth == c
        p = x.column_sums(positive) + 1.0
        q = x.column_sums(~positive) + 1.0
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        w_nb, b_nb = fit_svm(x.scaled(ratio), positive, sample_weights, opts.svm_c)
        w_plain, b_plain = fit_svm(x, positive, sample_weights, opts.svm_c)
        weights[c] = w_nb * ratio + w_plain
        biases[c] = b_nb + b_plain
        if progress is not None:
            progress(c + 1, len(names))
    weights -= weights.min(axis=0)
    biases -= biases.min()
    weights *= idf / scale
    if 0 < opts.svm_keywords < len(words):
        for c in range(len(names)):
            order = np.argsort(-weights[c], kind="stable")
            weights[c, order[opts.svm_keywords :]] = 0.0
    per_label = [
        {words[f]: float(weights[c, f]) for f in np.flatnonzero(weights[c] > 0)}
        for c in range(len(names))
    ]
    bias_list = [float(b) for b in biases]
    t = (
        calibrate(counts, classes, list(sample_weights), per_label, bias_list)
        if opts.calibrate
        else 1.0
    )
    out = []
    for c, name in enumerate(names):
        ranked = sorted(per_label[c].items(), key=lambda p: (-p[1], p[0]))
        kept = {w: round(v * t, opts.decimals) for w, v in ranked}
        bias = round(bias_list[c] * t, opts.decimals)
        out.append(LearnedLabel(name, bias, {w: v for w, v in kept.items() if v > 0}))
    return out


def to_tanks(labels: Sequence[LearnedLabel], threshold: float = 0.0) -> list[ThinkTank]:
    """Learned labels as think tanks, as load_tanks would read them from the written file."""
    return [
        ThinkTank(
            code=lab.label,
            name_zh=lab.label,
            name_en=lab.label,
            keywords=dict(lab.keywords),
            threshold=threshold,
            bias=lab.bias,
        )
        for lab in labels
    ]
