"""The shipped full-separation scenarios, generated from :func:`tecmodel.refinery.design`.

``python -m tecmodel.refinery.scenario_files`` designs each plant of :data:`SCENARIOS`
(sequence search included) and writes it to ``tecmodel/scenarios/<name>.toml`` with a
``[provenance]`` line for every value it sets, so the files are never copied by hand.
:func:`split_tree` reads a plant's split sequence back from its wiring, so a file can be
rebuilt by ``design(..., tree=split_tree(plant))`` and compared (tests/test_scenarios.py).

=================================  ==========================================================
``china_full_separation_clay``     ion-adsorption clay (South China), every lanthanide + Y
                                   at 99.9 %, China cost basis
``china_full_separation_bayan_obo`` Bayan Obo concentrate, its ten rare earths at 99.9 %,
                                   China cost basis
``us_heavy_ree``                   monazite to La, Ce, NdPr (99.5 %) and Tb, Dy (99.9 %),
                                   U.S. cost basis, sized to ~6,000 t/yr NdPr oxide
=================================  ==========================================================
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..plant import Plant
from ..stages.solvent_extraction import SolventExtractionSection
from ..stages.three_outlet import ThreeOutletSection
from .design import _stage_key, design
from .feeds import refinery_feed
from .products import product_slate

__all__ = ["SCENARIOS", "ScenarioSpec", "generate", "main", "split_tree", "write_all"]

ALL_FIFTEEN = ("La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Y", "Ho", "Er", "Tm",
               "Yb", "Lu")  # fmt: skip


@dataclass(frozen=True)
class ScenarioSpec:
    """Inputs of :func:`design` for one shipped scenario, and why they were chosen.

    Attributes
    ----------
    feed, products, purity, capacity, location : as :func:`tecmodel.refinery.design`
    notes : dict of str to str
        Provenance of the choices: ``"feed"``, ``"products"``, ``"purity"``,
        ``"capacity"``, ``"location"``.
    """

    feed: str
    products: object
    purity: object
    capacity: float
    location: str
    notes: dict

    def design(self, tree=None) -> Plant:
        """The plant, from :func:`tecmodel.refinery.design` (``tree``: a fixed sequence)."""
        return design(
            self.feed, self.products, purity=self.purity, capacity=self.capacity,
            location=self.location, tree=tree,
        )  # fmt: skip


_CHINA_CAPACITY = (
    "assumption: 3,000 t/yr REO out, a mid-size Chinese separation plant (they run "
    "~2,000-10,000 t/yr REO; tecmodel.refinery.design DEFAULT_CAPACITY)"
)
_CHINA_LOCATION = (
    "tecmodel/data/locations.toml 'china': Chinese prices, labor, waste regime and tax "
    "(each row sourced there)"
)

SCENARIOS = {
    "china_full_separation_clay": ScenarioSpec(
        feed="ion_adsorption_clay",
        products=ALL_FIFTEEN,
        purity=0.999,
        capacity=3000.0,
        location="china",
        notes={
            "feed": "ion-adsorption clay (Longnan-type, Y- and HREE-rich): distribution of "
            "tecmodel/data/feeds.toml (Kanazawa & Kamitani 2006, recalled and flagged), "
            "ore grade 0.1 % REO (assumption there), ammonium-sulfate heap leach "
            "(ClayLeaching defaults)",
            "products": "every lanthanide the ore carries (Pm absent) and Y, each its own "
            "oxide: the full separation only Chinese plants make (issue 12)",
            "purity": "assumption: 99.9 % (3N), the usual grade of separated oxides; "
            "higher grades are in examples/full_separation.py",
            "capacity": _CHINA_CAPACITY,
            "location": _CHINA_LOCATION,
        },
    ),
    "china_full_separation_bayan_obo": ScenarioSpec(
        feed="bayan_obo",
        products=("La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Y"),
        purity=0.999,
        capacity=3000.0,
        location="china",
        notes={
            "feed": "Bayan Obo mixed bastnaesite-monazite concentrate: distribution, grade "
            "and monazite share of tecmodel/data/feeds.toml (Kanazawa & Kamitani 2006, "
            "recalled and flagged), gangue of tecmodel/refinery/feeds.py (assumption), "
            "concentrated-sulfuric-acid bake (SulfuricBake defaults, Baotou practice)",
            "products": "each of the ten rare earths feeds.toml gives for Bayan Obo as its "
            "own oxide (its Ho-Lu are below the table's resolution)",
            "purity": "assumption: 99.9 % (3N), as china_full_separation_clay",
            "capacity": _CHINA_CAPACITY,
            "location": _CHINA_LOCATION,
        },
    ),
    "us_heavy_ree": ScenarioSpec(
        feed="monazite",
        products=("La", "Ce", "NdPr", "Tb", "Dy"),
        purity={
            "La2O3": 0.995,
            "CeO2": 0.995,
            "NdPr_oxide": 0.995,
            "Tb4O7": 0.999,
            "Dy2O3": 0.999,
        },
        capacity=27000.0,
        location="us",
        notes={
            "feed": "heavy-mineral-sand monazite (tecmodel/data/feeds.toml, Kanazawa & "
            "Kamitani 2006, recalled and flagged): the feed of Energy Fuels' White Mesa "
            "line (REFERENCE_DATA.md), caustic cracking and thorium removal (stage "
            "defaults)",
            "products": "the products of Energy Fuels White Mesa phase 2 (>6,000 t/yr NdPr, "
            "240 t Dy, 66 t Tb, REFERENCE_DATA.md, seen) plus La and Ce; Sm-Gd and Y, "
            "Ho-Lu leave as unsold concentrates",
            "purity": "La, Ce, NdPr 99.5 %: the ~99.5 % a U.S. producer is reported at "
            "(REFERENCE_DATA.md); Tb, Dy 99.9 % (assumption: the 3N of the Chinese "
            "scenarios, so Dy and Tb are compared at one grade)",
            "capacity": "computed: 27,000 t/yr REO out gives ~6,000 t/yr NdPr oxide (NdPr "
            "is 22.4 % of the monazite TREO in feeds.toml: 0.224 x 27,000 = 6,050 t), the "
            "Energy Fuels White Mesa phase 2 scale (REFERENCE_DATA.md)",
            "location": "tecmodel/data/locations.toml 'us': U.S. prices, labor, waste "
            "regime and tax (each row sourced there)",
        },
    ),
}


def split_tree(plant: Plant, spec: ScenarioSpec):
    """The split sequence of a refinery ``plant`` (nested pairs of product labels).

    Read from the wiring :func:`design` gives its plants: each SX section's raffinate and
    extract go to another section or to the precipitation of one product.
    """
    three_outlet = [n for n, s in plant.stages.items() if isinstance(s, ThreeOutletSection)]
    if three_outlet:  # its middle outlet has no place in a tree of pairs
        raise InputError(
            f"split_tree reads plants of two-outlet cascades; {', '.join(three_outlet)} "
            "is a three-outlet cascade (design(..., three_outlet=True) builds it from the "
            "two-outlet tree it replaces)"
        )
    present = refinery_feed(spec.feed).rare_earths
    slate = product_slate(spec.products, present, spec.purity)
    precipitation = {f"precipitate_{_stage_key(p.name)}": p.label for p in slate}
    wiring = dict(plant.connections)
    sections = [n for n, s in plant.stages.items() if isinstance(s, SolventExtractionSection)]
    fed_by_section = {
        wiring[f"{n}.{port}"].split(".")[0] for n in sections for port in ("raffinate", "extract")
    }

    def node(name):
        out = []
        for port in ("raffinate", "extract"):
            target = wiring[f"{name}.{port}"].split(".")[0]
            out.append(node(target) if target in sections else precipitation[target])
        return tuple(out)

    (root,) = [n for n in sections if n not in fed_by_section]
    return node(root)


def generate(name: str) -> tuple[Plant, dict]:
    """The plant of scenario ``name`` (sequence search included) and its provenance notes."""
    spec = SCENARIOS[name]
    plant = spec.design()
    plant = plant.__class__(**{**_plant_fields(plant), "name": name})
    return plant, provenance_notes(plant, spec)


def _plant_fields(plant: Plant) -> dict:
    import dataclasses

    return {f.name: getattr(plant, f.name) for f in dataclasses.fields(plant) if f.init}


def provenance_notes(plant: Plant, spec: ScenarioSpec) -> dict[str, str]:
    """A provenance line for every value the scenario file of ``plant`` sets."""
    notes = spec.notes
    generated = (
        f"generated by python -m tecmodel.refinery.scenario_files: tecmodel.refinery.design("
        f"{spec.feed!r}, products, purity, capacity={spec.capacity:g} t/yr, location="
        f"{spec.location!r})"
    )
    out = {
        "feed.rate": f"{generated}: feed rate for the capacity ({notes['capacity']}) with "
        "the head's measured REO recovery",
        "feed.composition": notes["feed"],
        "feed.price": "assumption: tolling basis (separation and refining cost only, the "
        "feed bought at 0), as cascade_refinery; a product's cost is its break-even price",
        "costing": notes["location"],
        "finance": f"{notes['location']}; the rest package defaults "
        "(tecmodel/data/finance_defaults.toml)",
    }
    for stage_name, stage in plant.stages.items():
        key = f"stages.{stage_name}"
        if isinstance(stage, SolventExtractionSection):
            light, heavy = stage.split_between
            out[key] = (
                f"{generated}: the {light}|{heavy} cut of the split sequence the sequence "
                "search chose by cost; purity targets from the purity rule of "
                "tecmodel/refinery/sequences.py; P507-HCl separation factors "
                "(tecmodel/data/separation_factors.toml, each row read/relayed/assumption); "
                "brine evaporated with 85 % water recycled (MIIT 2016 condition, "
                "REFERENCE_DATA.md); other parameters the SolventExtractionSection "
                "defaults (labelled in its docstring)"
            )
            out[f"{key}.stage_efficiency"] = (
                "tecmodel/data/solvent_extraction_practice.toml: labelled assumption 0.9 (no "
                "measured REE mixer-settler efficiency read)"
            )
            out[f"{key}.saponification_degree"] = (
                "tecmodel/data/solvent_extraction_practice.toml: 70 % saponified PC-88A of "
                "the Pr/Nd mixer-settler pilot (Nguyen et al., Internauka 2022, abstract "
                "read); 0.217 mol/L loading with 30 vol % P507, inside the 0.16-0.24 mol/L "
                "of P507 practice (Li et al. 2020)"
            )
        elif stage_name.startswith(("precipitate_", "calcine_")):
            out[key] = (
                f"{generated}: one precipitation + calcination per product (ammonium "
                "bicarbonate for La and Ce, oxalic acid for the others: assumption, Chinese "
                "practice as in cascade_refinery); stage defaults (labelled in their "
                "docstrings)"
            )
        else:
            out[key] = f"{generated}: the head that opens the feed ({notes['feed']})"
    for product in plant.products:
        out[f"products.{product}"] = (
            f"{notes['products']}; {notes['purity']}; price of tecmodel/data/"
            "oxide_prices.toml (source, year and quoted grade there) raised by the labelled "
            "premium rule for higher purities (tecmodel/refinery/products.py)"
        )
    return out


def write_all(folder=None) -> list[Path]:
    """Write every scenario of :data:`SCENARIOS` to ``folder`` (default: the shipped one)."""
    from .. import scenarios

    folder = Path(folder) if folder is not None else Path(str(resources.files(scenarios)))
    written = []
    for name in SCENARIOS:
        plant, notes = generate(name)
        path = folder / f"{name}.toml"
        scenarios.write(plant, path, notes)
        written.append(path)
    return written


def main() -> None:
    """Write the shipped full-separation scenarios and print where."""
    warnings.simplefilter("ignore")  # correlation-range notes
    for path in write_all():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
