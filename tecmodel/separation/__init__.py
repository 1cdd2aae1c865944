"""Countercurrent solvent-extraction cascade theory for rare-earth separations.

Closed-form estimates (Fenske minimum stages, Kremser single-solute extraction, Xu
Guangxian's design of a two-outlet fractionation cascade, minimum organic flux) and the
steady state of the extraction + scrub cascade for two or more components, stage by
stage (one Newton method on the components' splits, :mod:`.steady_state`).

Every function broadcasts over its inputs: a batch of designs is solved in one call.
All quantities here are dimensionless (fluxes are per unit of rare-earth feed), so the
functions take and return plain floats and numpy arrays.

Conventions (Xu 1985)
---------------------
* A is the more extractable component, B the less; ``separation_factor`` β = D_A/D_B > 1.
* Stages are numbered 1 … n + m. Stages 1 … n form the extraction section, stages
  n + 1 … n + m the scrub section. Fresh (barren) organic enters stage 1 and flows
  towards stage n + m; the loaded organic leaves stage n + m as the extract (organic
  outlet). Scrub aqueous enters stage n + m and flows towards stage 1; the raffinate
  (aqueous outlet) leaves stage 1.
* Aqueous feed enters stage n (the last extraction stage), organic feed enters stage
  n + 1 (the first scrub stage). Per unit of feed, the organic carries S (the
  ``organic_flux``) and the scrub aqueous W (the ``scrub_flux``) of rare earths, constant
  along each section.

References
----------
.. [1] Xu Guangxian (Hsu Kwang-hsien), "Theory of countercurrent extraction and its
   applications in rare earth separation", 1985 (串级萃取理论, 1970s).
.. [2] Zhang J., Zhao B., Schreiner B., *Separation Hydrometallurgy of Rare Earth
   Elements*, Springer, 2016 (chapter on countercurrent extraction; worked example
   relayed in REFERENCE_DATA.md).
"""

from .closed_forms import fenske_stages, kremser_stages, minimum_organic_flux
from .design import CascadeDesign, design_cascade
from .simulation import CascadeSimulation, simulate_cascade, simulate_multicomponent

__all__ = [
    "CascadeDesign",
    "CascadeSimulation",
    "design_cascade",
    "fenske_stages",
    "kremser_stages",
    "minimum_organic_flux",
    "simulate_cascade",
    "simulate_multicomponent",
]
