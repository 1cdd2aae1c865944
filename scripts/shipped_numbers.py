"""Headline numbers of every shipped plant: levelized cost, capital, opex, mixer-settlers
and each SX section's real extraction / scrub / strip stages.

Run it on two branches to compare them (issue 11 recomputed the README's numbers with it):
``PYTHONPATH=$PWD python scripts/shipped_numbers.py``.
"""

import warnings

import numpy as np

from tecmodel import scenarios


def main() -> None:
    warnings.simplefilter("ignore")  # correlation-range notes
    for name in scenarios.names():
        result = scenarios.load(name).evaluate()
        print(
            f"{name}: levelized cost {float(result.levelized_cost.to('USD/kg').m):.3f} USD/kg, "
            f"capital {float(result.capex.to('MUSD').m):.1f} MUSD, "
            f"opex {float(result.opex.to('MUSD/yr').m):.2f} MUSD/yr, "
            f"mixer-settlers {int(np.asarray(result.mixer_settlers))}"
        )
        for stage, stage_result in result.flowsheet.stage_results.items():
            d = stage_result.details
            if "extraction_stages" in d:
                print(
                    f"    {stage}: extraction {int(d['extraction_stages'])}, scrub "
                    f"{int(d['scrub_stages'])}, strip {int(d['strip_stages'])} "
                    f"(β {float(d['separation_factor']):.3g}, efficiency "
                    f"{float(d['stage_efficiency']):.2g})"
                )


if __name__ == "__main__":
    main()
