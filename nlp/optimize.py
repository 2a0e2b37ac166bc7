"""Multinomial logistic regression with non-negative weights, in pure Python.

Minimises  C * sum_i s_i * crossentropy_i  +  1/2 * |W|^2  over W >= 0 (free biases), by the
spectral projected gradient method (Barzilai-Borwein steps, non-monotone line search; Birgin,
Martinez and Raydan 2000). Non-negative weights lose nothing for a softmax model (adding a
constant to one feature's weights in every class changes no probability) and give keywords that
only ever speak *for* a label. Sparse rows in, deterministic results out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import mul

Row = tuple[list[int], list[float]]


@dataclass(frozen=True, slots=True)
class Problem:
    """Rows of feature values, their classes and weights, and which weights may be non-zero."""

    rows: Sequence[Row]
    classes: Sequence[int]
    sample_weights: Sequence[float]
    n_features: int
    allowed: Sequence[Sequence[int]]  # per class, the features whose weight may be non-zero


@dataclass(frozen=True, slots=True)
class Fit:
    """Weights per class (dense over features), biases, and how the fit went."""

    weights: list[list[float]]
    biases: list[float]
    objective: float
    iterations: int


class _Model:
    """The objective and its gradient over a flat parameter vector (weights, then biases)."""

    def __init__(self, problem: Problem, c: float) -> None:
        self.p = problem
        self.c = c
        self.k = len(problem.allowed)
        position: list[dict[int, int]] = []
        self.offsets = [0]
        for feats in problem.allowed:
            position.append({f: self.offsets[-1] + j for j, f in enumerate(feats)})
            self.offsets.append(self.offsets[-1] + len(feats))
        self.n_weights = self.offsets[-1]
        # Per class, each row restricted to the class's features, as positions in the vector.
        self.class_rows: list[list[tuple[list[int], list[float]]]] = []
        for c_no in range(self.k):
            pos = position[c_no]
            rows = []
            for idx, vals in problem.rows:
                pairs = [(pos[f], v) for f, v in zip(idx, vals, strict=True) if f in pos]
                rows.append(([p for p, _ in pairs], [v for _, v in pairs]))
            self.class_rows.append(rows)
        cols: dict[int, tuple[list[int], list[float]]] = {}
        for i, (idx, vals) in enumerate(problem.rows):
            for f, v in zip(idx, vals, strict=True):
                col = cols.setdefault(f, ([], []))
                col[0].append(i)
                col[1].append(v)
        empty: tuple[list[int], list[float]] = ([], [])
        self.cols = [[cols.get(f, empty) for f in feats] for feats in problem.allowed]

    def dense(self, theta: list[float]) -> list[list[float]]:
        """Per-class dense weight lists from the flat vector."""
        out = []
        for c, feats in enumerate(self.p.allowed):
            w = [0.0] * self.p.n_features
            for f, v in zip(feats, theta[self.offsets[c] : self.offsets[c + 1]], strict=True):
                w[f] = v
            out.append(w)
        return out

    def value_grad(self, theta: list[float]) -> tuple[float, list[float]]:
        """The objective and its gradient."""
        k, c_reg, n = self.k, self.c, len(self.p.rows)
        at = theta.__getitem__
        z_all = [
            [
                theta[self.n_weights + c] + sum(map(mul, vals, map(at, pos)))
                for pos, vals in self.class_rows[c]
            ]
            for c in range(k)
        ]
        resid = [[0.0] * n for _ in range(k)]
        loss = 0.0
        for i in range(n):
            z = [z_all[c][i] for c in range(k)]
            top = max(z)
            exps = [math.exp(v - top) for v in z]
            total = sum(exps)
            y, s = self.p.classes[i], self.p.sample_weights[i] * c_reg
            loss += s * (top + math.log(total) - z[y])
            for c in range(k):
                resid[c][i] = s * exps[c] / total
            resid[y][i] -= s
        nw = self.n_weights
        grad = theta[:nw]  # the L2 term's gradient
        for c in range(k):
            r = resid[c].__getitem__
            off = self.offsets[c]
            for j, (docs, vals) in enumerate(self.cols[c]):
                grad[off + j] += sum(map(mul, vals, map(r, docs)))
        grad += [sum(resid[c]) for c in range(k)]
        return loss + 0.5 * sum(map(mul, theta[:nw], theta[:nw])), grad


def fit(
    problem: Problem,
    c: float,
    max_iter: int = 300,
    tol: float = 1e-5,
    on_step: Callable[[int], None] | None = None,
) -> Fit:
    """Fit the model; stops when the projected gradient or the progress becomes tiny. `on_step`
    is told the number of each step as it starts (for progress)."""
    model = _Model(problem, c)
    nw = model.n_weights
    theta = [0.0] * (nw + model.k)
    value, grad = model.value_grad(theta)
    history = [value]
    alpha = 1.0 / max(1e-12, max(abs(g) for g in grad))
    it = 0
    for it in range(1, max_iter + 1):
        if on_step is not None:
            on_step(it)
        step = [max(0.0, t - alpha * g) - t for t, g in zip(theta[:nw], grad[:nw], strict=True)]
        step += [-alpha * g for g in grad[nw:]]
        slope = sum(map(mul, grad, step))
        if max(map(abs, step)) < tol * alpha or slope > -1e-12:
            break
        reference = max(history[-10:])
        lam = 1.0
        while True:
            trial = [t + lam * d for t, d in zip(theta, step, strict=True)]
            new_value, new_grad = model.value_grad(trial)
            if new_value <= reference + 1e-4 * lam * slope or lam < 1e-8:
                break
            lam *= 0.5
        s = [a - b for a, b in zip(trial, theta, strict=True)]
        yv = [a - b for a, b in zip(new_grad, grad, strict=True)]
        sy = sum(map(mul, s, yv))
        ss = sum(map(mul, s, s))
        alpha = min(1e10, max(1e-10, ss / sy)) if sy > 0 else 1e10
        theta, grad = trial, new_grad
        previous, value = value, new_value
        history.append(value)
        if abs(previous - value) <= 1e-9 * max(1.0, abs(value)) and lam == 1.0:
            break
    return Fit(model.dense(theta), theta[nw:], value, it)
