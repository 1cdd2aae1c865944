"""Issue 9, item 4: the saponification base changes the reagent bill and the brine, each
from its own balance (3 NaOH or 3 NH3 per mol of rare earth loaded; non-saponification
with Mg or Ca pre-loading, 1.5 MgO or CaO), checked by hand."""

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.errors import TecModelError
from tecmodel.stages.solvent_extraction import SolventExtractionSection
from tecmodel.streams import Stream

# CIAAW 2021 atomic weights
H, N, OX, NA, MG, CA, CL = 1.008, 14.007, 15.999, 22.98977, 24.305, 40.078, 35.45
BASES = {  # base: (consumption name, g/mol, mol per mol REE loaded, salt g/mol)
    "sodium_hydroxide": ("sodium_hydroxide", NA + OX + H, 3.0, NA + CL),
    "ammonia": ("ammonia", N + 3 * H, 3.0, N + 4 * H + CL),
    "magnesia": ("magnesia", MG + OX, 1.5, MG + 2 * CL),
    # 2 RE3+ exchange 3 Ca2+ from the Ca-loaded organic: 1.5 CaO per REE, 3 Cl- as CaCl2
    "lime": ("lime", CA + OX, 1.5, CA + 2 * CL),
}


def _feed():
    return Stream.from_composition(Q_(100.0, "kg/h"), {"La": 0.4, "Ce": 0.6})


def _run(base, **kwargs):
    section = SolventExtractionSection(
        split_between=("La", "Ce"), saponification_base=base, **kwargs
    )
    result = section.run({"feed": _feed()})
    loaded = (
        float(result.details["organic_flux"])
        * result.details["rare_earth_feed"].to("mol/h").magnitude
    )
    return result, loaded


@pytest.mark.parametrize("base", sorted(BASES))
def test_base_consumption_by_hand(base):
    name, molar_mass, per_ree, _ = BASES[base]
    result, loaded = _run(base)
    assert result.consumption[name].to("kg/h").magnitude == pytest.approx(
        per_ree * loaded * molar_mass / 1000, rel=1e-9
    )
    others = {n for n, *_ in BASES.values()} - {name}
    assert not others & set(result.consumption)


@pytest.mark.parametrize("base", sorted(BASES))
def test_brine_salt_by_hand(base):
    # one mol of salt per mol of base: NaCl, NH4Cl; MgCl2 per MgO, CaCl2 per CaO (3 Cl- per REE)
    _, _, per_ree, salt_molar_mass = BASES[base]
    result, loaded = _run(base, brine_treatment="evaporation")
    salt = result.details["crystallised_salt"].to("kg/h").magnitude
    # effluent.SALTS rounds molar masses to 0.01 g/mol (NaCl 58.44 for 58.4398)
    assert salt == pytest.approx(per_ree * loaded * salt_molar_mass / 1000, rel=2e-4)


def test_ammonia_route_recovers_its_ammonia():
    # lime stripping returns 95 % of the NH4+ as NH3 (effluent.AMMONIA_RECOVERY)
    result, loaded = _run("ammonia", brine_treatment="ammonia_recovery")
    net = result.consumption["ammonia"].to("kg/h").magnitude
    assert net == pytest.approx(3 * loaded * (N + 3 * H) / 1000 * (1 - 0.95), rel=1e-9)


def test_routes_in_a_batch_equal_one_by_one():
    degrees = np.array([0.2, 0.36])
    batch, _ = _run("magnesia", saponification_degree=degrees)
    for i, degree in enumerate(degrees):
        one, _ = _run("magnesia", saponification_degree=degree)
        value = np.broadcast_to(batch.consumption["magnesia"].magnitude, degrees.shape)[i]
        assert value == one.consumption["magnesia"].magnitude


def test_unknown_base_is_refused():
    with pytest.raises(TecModelError) as info:
        SolventExtractionSection(split_between=("La", "Ce"), saponification_base="potash")
    for word in ("saponification_base", "potash", "magnesia", "lime"):
        assert word in str(info.value)


# ---------------------------------------------- acid recovery from the section's brine
S = 32.06


def test_magnesia_brine_pyrohydrolysis_returns_the_mgo_and_the_hcl_by_hand():
    # MgCl2 + H2O -> MgO + 2 HCl: the 1.5 MgO per REE loaded come back in full, and
    # 2 x 1.5 = 3 HCl per REE loaded at 99.5 % recovery offset the scrub + strip HCl
    plain, loaded = _run("magnesia")
    result, _ = _run("magnesia", brine_treatment="acid_recovery")
    magnesia = result.consumption["magnesia"].to("kg/h").magnitude
    assert magnesia == pytest.approx(0.0, abs=1e-9 * 1.5 * loaded * (MG + OX) / 1000)
    hcl_used = plain.consumption["hydrochloric_acid"].to("kg/h").magnitude
    assert result.consumption["hydrochloric_acid"].to("kg/h").magnitude == pytest.approx(
        hcl_used - 0.995 * 3 * loaded * (H + CL) / 1000, rel=1e-9
    )
    assert "natural_gas" in result.consumption
    kinds = {e.kind for e in result.equipment} - {e.kind for e in plain.equipment}
    assert kinds == {"roaster", "tank"}
    assert result.mass_balance_error() < 1e-9


def test_lime_brine_sulfuric_displacement_by_hand():
    # CaCl2 + H2SO4 + 2 H2O -> CaSO4.2H2O + 2 HCl: 1.5 CaCl2 per REE loaded, 5 % excess acid
    plain, loaded = _run("lime")
    result, _ = _run("lime", brine_treatment="acid_recovery")
    cacl2 = 1.5 * loaded  # mol/h
    assert result.consumption["sulfuric_acid"].to("kg/h").magnitude == pytest.approx(
        cacl2 * 1.05 * (2 * H + S + 4 * OX) / 1000, rel=1e-9
    )
    hcl_used = plain.consumption["hydrochloric_acid"].to("kg/h").magnitude
    assert result.consumption["hydrochloric_acid"].to("kg/h").magnitude == pytest.approx(
        hcl_used - 0.95 * 2 * cacl2 * (H + CL) / 1000, rel=1e-9
    )
    (cake,) = result.wastes
    gypsum = cacl2 * (CA + S + 4 * OX + 2 * (2 * H + OX)) / 1000
    hcl_lost = 0.05 * 2 * cacl2 * (H + CL) / 1000
    assert cake.mass_flow.to("kg/h").magnitude == pytest.approx(gypsum / 0.8 + hcl_lost, rel=1e-9)
    assert result.operators_per_shift == pytest.approx(plain.operators_per_shift + 1.0)


def test_acid_recovery_needs_a_magnesium_or_calcium_brine():
    with pytest.raises(TecModelError) as info:
        SolventExtractionSection(split_between=("La", "Ce"), brine_treatment="acid_recovery")
    for word in ("acid_recovery", "sodium_hydroxide", "magnesia", "lime"):
        assert word in str(info.value)


def test_acid_recovery_in_a_batch_equals_one_by_one():
    degrees = np.array([0.2, 0.36])
    batch, _ = _run("lime", brine_treatment="acid_recovery", saponification_degree=degrees)
    for i, degree in enumerate(degrees):
        one, _ = _run("lime", brine_treatment="acid_recovery", saponification_degree=degree)
        for name in ("sulfuric_acid", "hydrochloric_acid"):
            value = np.broadcast_to(batch.consumption[name].magnitude, degrees.shape)[i]
            assert value == one.consumption[name].magnitude, name
