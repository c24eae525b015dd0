#!/usr/bin/env python3
"""The peer of `tunebench fit --law chinchilla`: Chinchilla's Approach 3 as a researcher
runs it in Python (Hoffmann et al. 2022, App. D.2; Besiroglu et al. 2024's replication
notebook): the Huber loss (delta 1e-3) of log-sum-exp log residuals, scipy's L-BFGS-B with
the analytic gradient from each of the 4,500 grid starts, the best objective kept.

Usage: chinchilla_scipy.py POINTS.csv [DROP_HIGHEST]
Prints the wall time of the fit (data loading excluded) and the best parameters."""
import csv
import itertools
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp


def load(path, drop_highest):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    n = np.array([float(r["Model Size"]) for r in rows])
    d = np.array([float(r["Training FLOP"]) for r in rows]) / 6 / n
    loss = np.array([float(r["loss"]) for r in rows])
    keep = np.sort(np.argsort(loss, kind="stable")[: len(loss) - drop_highest])
    return np.log(n[keep]), np.log(d[keep]), np.log(loss[keep])


def main():
    log_n, log_d, log_loss = load(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)

    delta = 1e-3

    def objective(theta):
        """The objective and its analytic gradient (the replication notebook differentiates
        it with autograd; numerical differences would be 3x slower)."""
        a, b, e, alpha, beta = theta
        terms = np.stack([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)])
        predicted = logsumexp(terms, axis=0)
        r = predicted - log_loss
        weights = np.exp(terms - predicted)  # d predicted / d term
        slope = np.clip(r, -delta, delta)     # d huber / d r
        gradient = np.array([
            np.sum(slope * weights[0]), np.sum(slope * weights[1]), np.sum(slope * weights[2]),
            -np.sum(slope * weights[0] * log_n), -np.sum(slope * weights[1] * log_d)])
        return np.sum(huber(delta, r)), gradient

    grid = itertools.product(np.arange(0, 30, 5), np.arange(0, 30, 5), np.arange(-1, 1.5, 0.5),
                             np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5))
    start = time.perf_counter()
    best = None
    starts = 0
    for x0 in grid:
        result = minimize(objective, x0=np.array(x0), method="L-BFGS-B", jac=True)
        starts += 1
        if best is None or result.fun < best.fun:
            best = result
    seconds = time.perf_counter() - start
    a, b, e, alpha, beta = best.x
    print(f"scipy L-BFGS-B: {starts} starts in {seconds:.2f} s; objective {best.fun:.6g}; "
          f"E={np.exp(e):.4g} A={np.exp(a):.4g} B={np.exp(b):.4g} alpha={alpha:.4g} beta={beta:.4g}")


if __name__ == "__main__":
    main()
