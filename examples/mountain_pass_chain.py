"""Mountain Pass bastnäsite: leaching → three SX sections → oxalate precipitation → calcination.

A 1 t/h concentrate (60 % REO with the Mountain Pass distribution, MP Materials 10-K:
La2O3 32.5, CeO2 49.8, Pr6O11 4.3, Nd2O3 12.2, Sm2O3 1.0 % of TREO — the remaining 0.2 %
"heavy" is lumped into Sm here) is leached, then split by solvent extraction into four
products, each precipitated as oxalate and calcined:

    Nd | Sm  → extract: SEG (Sm) concentrate;  raffinate → Ce | Pr
    Ce | Pr  → extract: NdPr oxide;            raffinate → La | Ce
    La | Ce  → extract: cerium;                raffinate: lanthanum

The script prints every product with its purity, the SX stage counts, reagents, the
organic inventory, and the wastes. Run: ``python examples/mountain_pass_chain.py``.
"""

from tecmodel import Q_
from tecmodel.stages.leaching import AcidLeaching
from tecmodel.stages.precipitation import Calcination, OxalatePrecipitation
from tecmodel.stages.solvent_extraction import SolventExtractionSection
from tecmodel.streams import Stream

# 1. The concentrate: 60 % REO, 0.05 % ThO2 (assumption), the rest gangue.
reo = {"La": 0.325, "Ce": 0.498, "Pr": 0.043, "Nd": 0.122, "Sm": 0.012}
fractions = {element: 0.60 * share for element, share in reo.items()}
fractions.update({"Th": 0.0005, "gangue": 1.0 - 0.60 - 0.0005})
concentrate = Stream.from_composition(Q_(1.0, "t/h"), fractions)

# 2. Leach in HCl (the colleague's AcidLeaching stage, default parameters).
leach = AcidLeaching().run({"feed": concentrate})
liquor = leach.outlets["liquor"]

# 3. Three SX sections, each cut between two neighbours (default D2EHPA/P507 factors).
#    Raffinates that feed another section are kept at 99.95 %: their heavy impurity
#    (Sm, or Pr+Nd) would all end in the next extract.
#    Thorium dissolved in the leach is taken up by the first section's extract
#    (acidic organophosphorus extractants load Th4+ strongly).
sections = {
    "Nd|Sm": SolventExtractionSection(("Nd", "Sm"), 0.99, 0.9995, impurities_to_extract=("Th",)),
    "Ce|Pr": SolventExtractionSection(("Ce", "Pr"), 0.995, 0.9995),
    "La|Ce": SolventExtractionSection(("La", "Ce"), 0.995, 0.995),
}
results = {"Nd|Sm": sections["Nd|Sm"].run({"feed": liquor})}
results["Ce|Pr"] = sections["Ce|Pr"].run({"feed": results["Nd|Sm"].outlets["raffinate"]})
results["La|Ce"] = sections["La|Ce"].run({"feed": results["Ce|Pr"].outlets["raffinate"]})
products = {
    "SEG (Sm) concentrate": (results["Nd|Sm"].outlets["extract"], ("Sm",)),
    "NdPr oxide": (results["Ce|Pr"].outlets["extract"], ("Pr", "Nd")),
    "cerium oxide": (results["La|Ce"].outlets["extract"], ("Ce",)),
    "lanthanum oxide": (results["La|Ce"].outlets["raffinate"], ("La",)),
}

# 4. Precipitate each product as oxalate and calcine it to oxide.
print("SX sections")
for name, result in results.items():
    d = result.details
    reagents = ", ".join(f"{k} {v:.3g~P}" for k, v in result.consumption.items())
    print(
        f"  {name}: {int(d['extraction_stages'])} extraction + {int(d['scrub_stages'])} scrub"
        f" + {int(d['strip_stages'])} strip stages, S = {float(d['organic_flux']):.3f}, "
        f"organic inventory {d['organic_inventory']:.0f~P}\n      {reagents}"
    )

stage_results = [leach, *results.values()]
print("\nProducts (after oxalate precipitation and calcination)")
for name, (stream, elements) in products.items():
    precipitation = OxalatePrecipitation().run({"feed": stream})
    calcination = Calcination().run({"precipitate": precipitation.outlets["precipitate"]})
    stage_results += [precipitation, calcination]
    oxide = calcination.outlets["product"]
    purity = sum(oxide.purity(e) for e in elements)
    print(
        f"  {name:22s} {oxide.reo.to('kg/h').magnitude:8.2f} kg/h REO, "
        f"purity {'+'.join(elements)} {100 * purity:.2f} %"
    )

# 5. Wastes of every stage, by class.
print("\nWastes")
for result in stage_results:
    for waste in result.wastes:
        print(
            f"  {waste.name:28s} {waste.waste_class:14s} "
            f"{waste.mass_flow.to('kg/h').magnitude:9.2f} kg/h"
        )
worst = max(float(r.mass_balance_error()) for r in stage_results)
print(f"\nlargest stage mass-balance error: {worst:.1e}")
