"""Run designs of the cascade stress set one by one and report failures and timings.

Usage: ``PYTHONPATH=$PWD python scripts/stress_survey.py START STOP [--largest N]`` or
``... stress_survey.py --indices 107 110 146`` (those designs only); ``--wide``: the
designs of the wide set (16 or 17 components) instead.

Each design ``i`` in [START, STOP) of ``tests/test_cascade_stress.py`` goes through its
``outcome(i)``; one line per design (index, CPU seconds, components, stages, feed phase,
outcome) is printed as it finishes, so a log of a long run can be read while it runs.
At the end: the counts (converged / raising InfeasibleDesignError / breaking the
contract), the failures and the slowest designs. CPU time (time.process_time) is used
because the machine is shared.
"""

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))

from test_cascade_stress import _acceptable, design, outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("start", type=int, nargs="?", default=0)
    parser.add_argument("stop", type=int, nargs="?", default=0)
    parser.add_argument("--indices", type=int, nargs="+", help="these designs instead")
    parser.add_argument("--largest", type=int, default=300, help="stages per section cap")
    parser.add_argument("--slowest", type=int, default=10, help="how many slowest to list")
    parser.add_argument("--wide", action="store_true", help="the wide set (16-17 components)")
    arguments = parser.parse_args()
    indices = arguments.indices or range(arguments.start, arguments.stop)
    span = "listed" if arguments.indices else f"[{arguments.start}, {arguments.stop})"
    records = []
    for index in indices:
        d = design(index, arguments.largest, arguments.wide)
        begin = time.process_time()
        text = outcome(index, arguments.largest, arguments.wide)
        seconds = time.process_time() - begin
        shape = (
            f"C={len(d['feed_composition']):2d} {d['extraction_stages']:3d}+"
            f"{d['scrub_stages']:3d} {d['feed']:7s}"
        )
        records.append((index, seconds, shape, text))
        print(f"{index:4d} {seconds:8.3f}s {shape} {text[:200]}", flush=True)
    converged = [r for r in records if r[3] == "converged"]
    raised = [r for r in records if r[3].startswith("infeasible")]
    broken = [r for r in records if not _acceptable(r[3])]
    times = [r[1] for r in records]
    print(
        f"\n{len(records)} designs {span}: "
        f"{len(converged)} converged, {len(raised)} raise, {len(broken)} break the contract; "
        f"CPU s per design mean {sum(times) / len(times):.3f}, max {max(times):.3f}, "
        f"total {sum(times):.1f}"
    )
    for label, group in (("raise", raised), ("break", broken)):
        for index, seconds, shape, text in group:
            print(f"{label}: {index} ({seconds:.1f}s, {shape}): {text[:300]}")
    print("slowest:")
    for index, seconds, shape, text in sorted(records, key=lambda r: -r[1])[: arguments.slowest]:
        print(f"  {index:4d} {seconds:8.3f}s {shape} {text[:60]}")


if __name__ == "__main__":
    main()
