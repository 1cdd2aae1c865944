"""This tree's numbers against another git revision's (default ``main``), issue 13.

The revision's ``tecmodel`` is exported (``git archive``) to a temporary folder and both
trees compute, each in its own process, the same set of numbers:

* every shipped plant: levelized cost, capital, opex, the mass flows of every stream;
* the first 200 designs of the stress set (``tests/test_cascade_stress.py``, sections of
  at most 60 stages) through ``simulate_multicomponent``: outlet compositions and fluxes,
  profiles;
* a physics Monte Carlo of ``cascade_refinery`` (the benchmark's four inputs, 64
  samples, seed 1), in one chunk and in chunks of 7; an economic one of
  ``high_waste_route`` (discount rate and HCl price, 256 samples).

It prints the largest relative difference of each group and whether the bits are the
same, and exits non-zero if any difference exceeds 1e-12 relative.

Run: ``PYTHONPATH=$PWD OPENBLAS_NUM_THREADS=1 python scripts/compare_with_ref.py [ref]``.
"""

import os
import pathlib
import subprocess
import sys
import tempfile
import warnings

import numpy as np

TOLERANCE = 1e-12
ROOT = pathlib.Path(__file__).resolve().parent.parent


def dump(path):
    """Compute every number of the comparison with the ``tecmodel`` on sys.path."""
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT / "tests"))
    from test_cascade_stress import design

    from tecmodel import Q_, scenarios
    from tecmodel.distributions import Uniform
    from tecmodel.sensitivity import Study
    from tecmodel.separation import design_reuse, simulate_multicomponent

    out = {}
    for name in scenarios.names():
        design_reuse.forget()
        result = scenarios.load(name).evaluate()
        out[f"plant/{name}/levelized_cost"] = result.levelized_cost.to("USD/kg").m
        out[f"plant/{name}/capex"] = result.capex.to("USD").m
        out[f"plant/{name}/opex"] = result.opex.to("USD/yr").m
        for stream, value in result.flowsheet.streams.items():
            out[f"stream/{name}/{stream}"] = np.asarray(value.mass_flows)
    for index in range(200):
        arguments = design(index, 60)
        try:
            result = simulate_multicomponent(**arguments)
        except Exception as error:  # recorded, compared by name
            out[f"design/{index}/error"] = np.array(type(error).__name__)
            continue
        for field in (
            "extract_composition", "raffinate_composition", "extract_flux",
            "raffinate_flux", "aqueous_profile", "organic_profile",
        ):  # fmt: skip
            out[f"design/{index}/{field}"] = np.asarray(getattr(result, field))
    plant = scenarios.load("cascade_refinery")
    plant = plant.replace("stages.sx_ce_pr.separation_factors", {"Pr/Ce": 2.04}).replace(
        "stages.sx_pr_nd.separation_factors", {"Nd/Pr": 1.58}
    )  # the benchmark's plant: the two factors as parameters
    parameters = {
        "stages.sx_ce_pr.separation_factors.Pr/Ce": Uniform(1.9, 2.2),
        "stages.sx_pr_nd.separation_factors.Nd/Pr": Uniform(1.5, 1.7),
        "stages.sx_pr_nd.purity_extract": Uniform(0.99, 0.995),
        "feed.rate": Uniform(Q_(4.0, "t/h"), Q_(4.8, "t/h")),
    }
    study = Study(plant, parameters)
    design_reuse.forget()
    out["study/one_chunk"] = study.monte_carlo(64, seed=1).values.magnitude
    design_reuse.forget()
    out["study/chunks_of_7"] = study.monte_carlo(64, seed=1, chunk_size=7).values.magnitude
    economic = Study(
        scenarios.load("high_waste_route"),
        {
            "finance.discount_rate": Uniform(0.06, 0.12),
            "costing.prices.hydrochloric_acid": Uniform(Q_(150, "USD/t"), Q_(350, "USD/t")),
        },
    )
    out["study/economic"] = economic.monte_carlo(256, seed=2).values.magnitude
    np.savez(path, **out)


def relative(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return np.inf
    both_zero = (a == 0) & (b == 0)
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        difference = np.where(both_zero, 0.0, np.abs(a - b) / scale)
    return float(np.max(difference, initial=0.0))


def main():
    ref = sys.argv[1] if len(sys.argv) > 1 else "main"
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        archive = subprocess.run(
            ["git", "archive", ref, "tecmodel"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        (folder / "ref").mkdir()
        subprocess.run(["tar", "-x", "-C", str(folder / "ref")], input=archive, check=True)
        files = {}
        for label, tree in (("ref", folder / "ref"), ("this", ROOT)):
            files[label] = folder / f"{label}.npz"
            environment = dict(os.environ, PYTHONPATH=str(tree), OPENBLAS_NUM_THREADS="1")
            subprocess.run(
                [sys.executable, __file__, "--dump", str(files[label])],
                cwd=tree,
                env=environment,
                check=True,
            )
        ref_numbers, this_numbers = np.load(files["ref"]), np.load(files["this"])
        worst = 0.0
        for group in ("plant", "stream", "design", "study"):
            keys = sorted(k for k in ref_numbers.files if k.startswith(group + "/"))
            missing = [k for k in keys if k not in this_numbers.files]
            extra = [k for k in this_numbers.files if k.startswith(group + "/") and k not in keys]
            largest, same = 0.0, not missing and not extra
            differing = []
            for key in keys:
                if key in missing:
                    continue
                a, b = ref_numbers[key], this_numbers[key]
                if a.dtype.kind in "US" or b.dtype.kind in "US":
                    same &= bool(np.array_equal(a, b))
                    largest = max(largest, 0.0 if np.array_equal(a, b) else np.inf)
                    continue
                equal = a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
                same &= equal
                if not equal:
                    differing.append(key.split("/")[1])
                largest = max(largest, relative(a, b))
            worst = max(worst, largest, 0.0 if not (missing or extra) else np.inf)
            print(
                f"{group:7s} {len(keys):5d} arrays: largest relative difference {largest:.2e}, "
                f"{'bit-identical' if same else 'not bit-identical'}"
                + (f"; missing {missing[:3]}, extra {extra[:3]}" if missing or extra else "")
            )
            if differing:
                print(f"        differing: {', '.join(sorted(set(differing), key=str))}")
        print(f"worst {worst:.2e} (limit {TOLERANCE:g}) against {ref}")
        return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--dump":
        dump(sys.argv[2])
    else:
        sys.exit(main())
