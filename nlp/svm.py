"""A linear support vector machine (squared hinge loss, one label against the rest), in numpy.

Minimises  1/2 * |w|^2 + 1/2 * b^2  +  C * sum_i s_i * max(0, 1 - y_i (w . x_i + b))^2  with
y_i in {-1, +1} and s_i each message's weight: the problem liblinear solves for scikit-learn's
LinearSVC (its bias is a feature of value 1, so it is regularised too). The objective is convex
and once differentiable; L-BFGS with a backtracking line search finds its minimum. Rows are
sparse (CSR: row pointers, feature indices, values), products go through numpy.bincount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Sparse:
    """Rows of feature values in compressed sparse row form."""

    rows: NDArray[np.int64]  # the row of each stored value
    cols: NDArray[np.int64]
    vals: Floats
    n_rows: int
    n_cols: int

    @classmethod
    def from_rows(
        cls, rows: Sequence[tuple[Sequence[int], Sequence[float]]], n_cols: int
    ) -> Sparse:
        """From (feature indices, values) per row."""
        lengths = [len(idx) for idx, _ in rows]
        return cls(
            np.repeat(np.arange(len(rows), dtype=np.int64), lengths),
            np.fromiter((f for idx, _ in rows for f in idx), np.int64, sum(lengths)),
            np.fromiter((v for _, vals in rows for v in vals), np.float64, sum(lengths)),
            len(rows),
            n_cols,
        )

    def scaled(self, column_scale: Floats) -> Sparse:
        """The same rows with each feature multiplied by its scale."""
        return Sparse(
            self.rows, self.cols, self.vals * column_scale[self.cols], self.n_rows, self.n_cols
        )

    def dot(self, w: Floats) -> Floats:
        """X @ w."""
        return _sums(self.rows, self.vals * w[self.cols], self.n_rows)

    def tdot(self, g: Floats) -> Floats:
        """X.T @ g."""
        return _sums(self.cols, self.vals * g[self.rows], self.n_cols)

    def column_sums(self, mask: NDArray[np.bool_], binary: bool = True) -> Floats:
        """Per feature, the sum of its values (or of 1 where present) over the rows in `mask`."""
        keep = mask[self.rows]
        vals = np.ones(int(keep.sum())) if binary else self.vals[keep]
        return _sums(self.cols[keep], vals, self.n_cols)


def _sums(at: NDArray[np.int64], values: Floats, n: int) -> Floats:
    """Per position 0..n-1, the sum of the values at it."""
    return np.bincount(at, values, n).astype(np.float64, copy=False)


def fit_svm(
    x: Sparse,
    positive: NDArray[np.bool_],
    sample_weights: Floats,
    c: float,
    max_iter: int = 500,
    tol: float = 1e-6,
    memory: int = 10,
) -> tuple[Floats, float]:
    """The weights and bias of the squared-hinge SVM separating `positive` rows from the rest."""
    y = np.where(positive, 1.0, -1.0)
    cs = c * sample_weights
    d = x.n_cols

    def value_grad(theta: Floats) -> tuple[float, Floats]:
        w, b = theta[:d], theta[d]
        margin = 1.0 - y * (x.dot(w) + b)
        active = np.maximum(margin, 0.0)
        value = 0.5 * float(theta @ theta) + float(cs @ (active * active))
        coef = -2.0 * cs * active * y
        grad = theta.copy()
        grad[:d] += x.tdot(coef)
        grad[d] += float(coef.sum())
        return value, grad

    theta = np.zeros(d + 1)
    value, grad = value_grad(theta)
    start = float(np.abs(grad).max()) or 1.0
    steps: list[tuple[Floats, Floats, float]] = []
    for _ in range(max_iter):
        if float(np.abs(grad).max()) <= tol * start:
            break
        q = grad.copy()
        alphas = []
        for s, yv, rho in reversed(steps):
            a = rho * float(s @ q)
            alphas.append(a)
            q -= a * yv
        if steps:
            s, yv, _ = steps[-1]
            q *= float(s @ yv) / float(yv @ yv)
        else:
            q /= start
        for (s, yv, rho), a in zip(steps, reversed(alphas), strict=True):
            q += s * (a - rho * float(yv @ q))
        direction = -q
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction: start the memory afresh
            steps.clear()
            direction, slope = -grad / start, -float(grad @ grad) / start
        lam = 1.0
        while True:
            trial = theta + lam * direction
            new_value, new_grad = value_grad(trial)
            if new_value <= value + 1e-4 * lam * slope or lam < 1e-10:
                break
            lam *= 0.5
        s, yv = trial - theta, new_grad - grad
        sy = float(s @ yv)
        if sy > 1e-12:
            steps.append((s, yv, 1.0 / sy))
            if len(steps) > memory:
                steps.pop(0)
        progress = value - new_value
        theta, value, grad = trial, new_value, new_grad
        if progress <= 1e-12 * max(1.0, abs(value)):
            break
    return theta[:d], float(theta[d])
