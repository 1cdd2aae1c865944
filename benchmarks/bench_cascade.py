"""Throughput of Xu cascade design + exact simulation: one batched call vs a Python loop.

Designs (and verifies by exact simulation) a batch of 10,000 two-outlet cascades of
about 75 stages (β ≈ 1.5, purities 99.9–99.98 %, varied feeds), then times a Python loop
of single-design calls on a subset and extrapolates its per-design rate. Both are
measured in this one run; the printed ratio is what matters, not the absolute rates.

Run with ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_cascade.py``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tecmodel.separation import design_cascade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=10_000, help="designs in the batch")
    parser.add_argument("--loop", type=int, default=200, help="designs in the Python loop")
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    separation_factor = rng.uniform(1.45, 1.55, args.batch)
    feed_fraction = rng.uniform(0.3, 0.7, args.batch)
    purity_extract = rng.uniform(0.999, 0.9998, args.batch)
    purity_raffinate = rng.uniform(0.999, 0.9998, args.batch)

    start = time.perf_counter()
    design = design_cascade(separation_factor, feed_fraction, purity_extract, purity_raffinate)
    batch_seconds = time.perf_counter() - start
    batch_rate = args.batch / batch_seconds

    subset = slice(0, args.loop)
    start = time.perf_counter()
    loop_stages = [
        int(design_cascade(b, f, pa, pb).total_stages)
        for b, f, pa, pb in zip(
            separation_factor[subset],
            feed_fraction[subset],
            purity_extract[subset],
            purity_raffinate[subset],
            strict=True,
        )
    ]
    loop_seconds = time.perf_counter() - start
    loop_rate = args.loop / loop_seconds
    assert np.array_equal(loop_stages, design.total_stages[subset]), "batch != loop"

    total = design.total_stages
    closed = design.extraction_stages_closed_form + design.scrub_stages_closed_form
    print(f"cascades designed and verified by simulation: {args.batch}")
    print(f"  stages n + m: mean {total.mean():.1f}, min {total.min()}, max {total.max()}")
    print(f"  verified minus closed form (stages): mean {np.mean(total - closed):.2f}")
    print(f"batched call   : {batch_seconds:8.2f} s  -> {batch_rate:10.1f} designs/s")
    print(
        f"Python loop    : {loop_seconds:8.2f} s for {args.loop} -> {loop_rate:10.1f} designs/s"
        f" (extrapolated to {args.batch}: {args.batch / loop_rate:.1f} s)"
    )
    print(f"speed-up (batched / loop): {batch_rate / loop_rate:.1f}x")


if __name__ == "__main__":
    main()
