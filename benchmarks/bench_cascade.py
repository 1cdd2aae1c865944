"""Cascade throughput against the targets of issue 11, all measured in this one run.

1. Binary designs, batched (random β 1.3–3, feed fraction 0.2–0.8, purities
   0.99–0.9999): ``design_cascade`` (Xu's closed form, then verification by Smoker's
   closed form, :mod:`tecmodel.separation.binary`) and ``simulate_cascade`` of the
   verified designs, in designs/s against the target of 20,000/s; against the previous
   method on the same batch (verification one stage per round, each candidate simulated
   by the multicomponent solver, ``_verification="stage_by_stage"``), whose stage counts
   must be the same; and against a raw-numpy evaluation of Xu's closed-form stage
   counts (the Fenske/Kremser-type logarithms, no simulation).
2. A 15-element feed (La–Lu without Pm, with Y), cut at Pr|Nd with P507–HCl separation
   factors, designed and verified by the multicomponent steady state
   (``cascade_split``), a batch of 1,000 varied feeds: ms per cut against the target of
   5 ms.
3. A Python loop of single binary simulations on a subset, for the batching speed-up.

Rates are CPU seconds of this process (the machine is shared). Run with
``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_cascade.py``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tecmodel.separation import design_cascade, simulate_cascade, simulate_multicomponent
from tecmodel.separation.cut import cascade_split
from tecmodel.separation.design_reuse import without_reuse
from tecmodel.streams import Stream

_LANTHANIDES = (
    "La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Y", "Ho", "Er", "Tm", "Yb", "Lu",
)  # fmt: skip
# a bastnaesite-like oxide distribution [mass fractions], only to make a realistic feed
_SHARES = np.array(
    [0.33, 0.49, 0.043, 0.12, 0.008, 0.001, 0.002, 0.0002, 0.0003, 0.001, 0.0001, 0.0001,
     0.00002, 0.00005, 0.00001]
)  # fmt: skip


def _closed_form(beta, f_a, p_a, p_b):
    """Xu's stage counts at the optimum ratios in raw numpy (aqueous feed)."""
    split_a = (f_a - (1.0 - p_b)) / (p_a - (1.0 - p_b))
    a = (p_a / (1.0 - p_a)) / (f_a / (1.0 - f_a))
    b = (p_b / (1.0 - p_b)) / ((1.0 - f_a) / f_a)
    root = np.sqrt(beta)
    s = np.maximum((1.0 - split_a) / (root - 1.0), root * split_a / (root - 1.0))
    e_m = s / (s - split_a + 1.0)
    e_scrub = s / (s - split_a)
    return np.log(b) / np.log(beta * e_m), np.log(a) / np.log(beta / e_scrub) - 1.0


def _seconds(function):
    start = time.process_time()
    value = function()
    return time.process_time() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=10_000, help="binary designs")
    parser.add_argument("--cuts", type=int, default=1_000, help="15-element cuts")
    parser.add_argument("--loop", type=int, default=200, help="single simulations looped")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    beta = rng.uniform(1.3, 3.0, args.batch)
    f_a = rng.uniform(0.2, 0.8, args.batch)
    p_a = rng.uniform(0.99, 0.9999, args.batch)
    p_b = rng.uniform(0.99, 0.9999, args.batch)
    design_s, design = _seconds(lambda: design_cascade(beta, f_a, p_a, p_b))
    n, m = design.extraction_stages, design.scrub_stages
    S, W = design.organic_flux, design.scrub_flux
    previous_s, previous = _seconds(
        lambda: design_cascade(beta, f_a, p_a, p_b, _verification="stage_by_stage")
    )
    same = np.array_equal(previous.extraction_stages, n) and np.array_equal(
        previous.scrub_stages, m
    )
    simulate_s, _ = _seconds(lambda: simulate_cascade(beta, f_a, n, m, S, W))
    general_s, _ = _seconds(
        lambda: simulate_multicomponent(
            np.stack([beta, np.ones_like(beta)], -1),
            np.stack([f_a, 1.0 - f_a], -1),
            n,
            m,
            S,
            W,
            extract_components=(0,),
        )
    )
    repeats = 100
    closed_s, _ = _seconds(lambda: [_closed_form(beta, f_a, p_a, p_b) for _ in range(repeats)])
    closed_s /= repeats
    loop = slice(0, args.loop)
    loop_s, _ = _seconds(
        lambda: [
            simulate_cascade(*values)
            for values in zip(
                beta[loop], f_a[loop], n[loop], m[loop], S[loop], W[loop], strict=True
            )
        ]
    )

    shares = _SHARES * rng.uniform(0.7, 1.3, (args.cuts, len(_SHARES)))
    feed = Stream(_LANTHANIDES, shares / shares.sum(-1, keepdims=True))
    with without_reuse():
        cut_s, cut = _seconds(lambda: cascade_split(feed, ("Pr", "Nd"), 0.995, 0.99))

    stages = n + m
    print(
        f"binary designs (batch {args.batch}): n + m mean {stages.mean():.1f}, max {stages.max()}"
    )
    print(
        f"  design + verification : {design_s:7.2f} s -> {args.batch / design_s:9.0f} designs/s"
        f"  ({args.batch / design_s / 20_000:.2f} x the 20,000/s target)"
    )
    print(
        f"  previous verification : {previous_s:7.2f} s -> {args.batch / previous_s:9.0f}"
        f" designs/s (new is {previous_s / design_s:.1f} x faster;"
        f" stage counts {'identical' if same else 'DIFFERENT'})"
    )
    print(
        f"  simulation only       : {simulate_s:7.2f} s -> {args.batch / simulate_s:9.0f}"
        " designs/s"
        f"  ({args.batch / simulate_s / 20_000:.2f} x the target;"
        f" multicomponent solver {args.batch / general_s:.0f}/s,"
        f" {general_s / simulate_s:.1f} x slower)"
    )
    print(
        f"  raw-numpy closed form : {closed_s * 1e3:7.2f} ms -> simulation takes"
        f" {simulate_s / closed_s:.0f} x, design + verification {design_s / closed_s:.0f} x"
    )
    print(
        f"  Python loop of {args.loop} single simulations: {args.loop / loop_s:.0f} designs/s"
        f" (batched: {args.batch / simulate_s / (args.loop / loop_s):.1f} x faster)"
    )
    total = np.asarray(cut.extraction_stages) + np.asarray(cut.scrub_stages)
    print(
        f"15-element La-Lu cut at Pr|Nd, designed and verified (batch {args.cuts}, "
        f"{total.mean():.0f} stages): {cut_s:.2f} s -> {cut_s / args.cuts * 1e3:.2f} ms each"
        f" ({cut_s / args.cuts * 1e3 / 5.0:.2f} x the 5 ms target)"
    )


if __name__ == "__main__":
    main()
