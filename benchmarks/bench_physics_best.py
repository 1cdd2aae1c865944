"""Best-of-N timings of issue 13's two physics targets, against another revision.

On a shared machine one timing can be doubled by another process; the smallest of
several is the machine's cost of the work. This script times, in one process each:

* one cold evaluation of ``cascade_refinery`` (no design kept: ``design_reuse.forget()``
  first), the plant of ``bench_physics_study.py`` (target ≤ 30 ms);
* the physics Monte Carlo of ``bench_physics_study.py`` section 2 at 256 samples (two
  sections' separation factors, a purity, the feed rate; target ≥ 5,000 samples/s),

N times each (interleaved), and prints the best. With ``--ref REV`` it exports that git
revision's ``tecmodel`` to a temporary folder and runs the same measurement there and
here in alternating processes, twice each, and prints the ratios.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_physics_best.py [N] [--ref main]``
(CPU time, ``time.process_time``; N = 9 by default).
"""

import os
import pathlib
import subprocess
import sys
import tempfile
import time
import warnings

ROOT = pathlib.Path(__file__).resolve().parent.parent


def measure(repeats):
    """(best cold evaluation [s], best 256-sample Monte Carlo [s]) with the tecmodel on
    sys.path."""
    warnings.simplefilter("ignore")
    from tecmodel import Q_, scenarios
    from tecmodel.distributions import Uniform
    from tecmodel.sensitivity import Study
    from tecmodel.separation import design_reuse

    plant = scenarios.load("cascade_refinery")
    plant = plant.replace("stages.sx_ce_pr.separation_factors", {"Pr/Ce": 2.04}).replace(
        "stages.sx_pr_nd.separation_factors", {"Nd/Pr": 1.58}
    )
    plant.evaluate()  # imports, tables
    study = Study(
        plant,
        {
            "stages.sx_ce_pr.separation_factors.Pr/Ce": Uniform(1.9, 2.2),
            "stages.sx_pr_nd.separation_factors.Nd/Pr": Uniform(1.5, 1.7),
            "stages.sx_pr_nd.purity_extract": Uniform(0.99, 0.995),
            "feed.rate": Uniform(Q_(4.0, "t/h"), Q_(4.8, "t/h")),
        },
    )
    study.monte_carlo(4, seed=0)  # this study's code paths
    cold = study_time = float("inf")
    for _ in range(repeats):
        design_reuse.forget()
        start = time.process_time()
        study.monte_carlo(256, seed=1)
        study_time = min(study_time, time.process_time() - start)
        design_reuse.forget()
        start = time.process_time()
        plant.evaluate()
        cold = min(cold, time.process_time() - start)
    return cold, study_time


def run(tree, repeats):
    """:func:`measure` in a fresh process with ``tree`` on its path."""
    environment = dict(os.environ, PYTHONPATH=str(tree), OPENBLAS_NUM_THREADS="1")
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(repeats)],
        cwd=tree,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cold, study = (float(v) for v in output.split())
    return cold, study


def show(label, cold, study):
    print(
        f"{label}: cold evaluation {1e3 * cold:.1f} ms ({cold / 0.030:.2f}x the 30 ms target); "
        f"Monte Carlo 256 samples {256 / study:,.0f} samples/s "
        f"({256 / study / 5000:.2f}x the 5,000/s target)"
    )


def main():
    args = [a for a in sys.argv[1:]]
    ref = None
    if "--ref" in args:
        ref = args[args.index("--ref") + 1]
        del args[args.index("--ref") : args.index("--ref") + 2]
    repeats = int(args[0]) if args else 9
    if ref is None:
        show("this tree", *run(ROOT, repeats))
        return
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "archive", ref, "tecmodel"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        for _ in range(2):
            theirs, ours = run(pathlib.Path(folder), repeats), run(ROOT, repeats)
            show(f"{ref:>9s}", *theirs)
            show("this tree", *ours)
            print(
                f"   this tree / {ref}: cold {theirs[0] / ours[0]:.2f}x faster, "
                f"Monte Carlo {theirs[1] / ours[1]:.2f}x faster"
            )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        print(*measure(int(sys.argv[2])))
    else:
        main()
