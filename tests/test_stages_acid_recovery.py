"""Acid recovery stage: stoichiometry by hand, mass balance, energy, batch, bad input."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from tecmodel import Q_
from tecmodel.errors import TecModelError
from tecmodel.stages import AcidRecovery

# CIAAW 2021 atomic weights, written out for the hand calculations
H, OX, MG, S, CL, CA = 1.008, 15.999, 24.305, 32.06, 35.45, 40.078
WATER, HCL = 2 * H + OX, H + CL


def _run(stage):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small units fall below the cost correlations
        return stage.run({})


def test_pyrohydrolysis_by_hand():
    # 1 kmol/h MgCl2 in 1 m3/h of water: MgCl2 + H2O -> MgO + 2 HCl
    stage = AcidRecovery(salt_flow=Q_(MG + 2 * CL, "kg/h"), water_flow=Q_(1.0, "m**3/h"))
    r = _run(stage)
    assert -r.consumption["magnesia"].to("kg/h").magnitude == pytest.approx(MG + OX)
    assert -r.consumption["hydrochloric_acid"].to("kg/h").magnitude == pytest.approx(
        2 * HCL * 0.995
    )
    # heat: evaporate 1000 kg/h water (4.184*75 + 2257 kJ/kg) + 1 kmol/h x 256.654 kJ/mol
    dh = (-601.70 - 2 * 92.307) - (-801.15 - 241.818)  # kJ/mol, NBS 1982
    heat_kw = (1000 * (4.184 * 75 + 2257) + 1000 * dh) / 3600
    assert r.details["heat_duty"].to("kW").magnitude == pytest.approx(heat_kw)
    gas_btu_h = heat_kw / 0.65 * 3412.14163  # kW -> Btu/h
    assert r.consumption["natural_gas"].to("ft**3/h").magnitude == pytest.approx(
        gas_btu_h / 1036.0, rel=1e-6
    )
    assert {e.kind for e in r.equipment} == {"roaster", "tank"}


def test_sulfuric_displacement_by_hand():
    # 1 kmol/h CaCl2: CaCl2 + H2SO4 + 2 H2O -> CaSO4.2H2O + 2 HCl, 5 % excess acid
    stage = AcidRecovery(
        route="sulfuric_displacement", salt_flow=Q_(CA + 2 * CL, "kg/h"),
        water_flow=Q_(1.0, "m**3/h"),
    )  # fmt: skip
    r = _run(stage)
    h2so4 = 2 * H + S + 4 * OX
    gypsum = CA + S + 4 * OX + 2 * WATER
    assert r.consumption["sulfuric_acid"].to("kg/h").magnitude == pytest.approx(1.05 * h2so4)
    assert -r.consumption["hydrochloric_acid"].to("kg/h").magnitude == pytest.approx(
        2 * HCL * 0.95
    )
    # cake: gypsum at 20 % moisture plus the 5 % of HCl not recovered
    cake = gypsum / 0.8 + 2 * HCL * 0.05
    assert r.wastes[0].mass_flow.to("kg/h").magnitude == pytest.approx(cake)
    assert "natural_gas" not in r.consumption


@pytest.mark.parametrize("route", ["pyrohydrolysis", "sulfuric_displacement"])
def test_mass_balance_closes(route):
    r = _run(AcidRecovery(route=route, salt_flow=Q_(500.0, "kg/h"),
                          water_flow=Q_(4.0, "m**3/h")))  # fmt: skip
    into = sum(q.to("kg/h").magnitude for q in r.details["balance_in"].values())
    out = sum(q.to("kg/h").magnitude for q in r.details["balance_out"].values())
    assert abs(into - out) / into < 1e-9
    assert r.mass_balance_error() == 0.0


def test_batch_equals_one_by_one():
    salts = np.array([50.0, 200.0, 800.0])
    etas = np.array([0.9, 0.995, 1.0])
    batch = _run(AcidRecovery(salt_flow=Q_(salts, "kg/h"), water_flow=Q_(3.0, "m**3/h"),
                              hcl_recovery=etas))  # fmt: skip
    for i in range(3):
        one = _run(AcidRecovery(salt_flow=Q_(salts[i], "kg/h"), water_flow=Q_(3.0, "m**3/h"),
                                hcl_recovery=etas[i]))  # fmt: skip
        for name, rate in one.consumption.items():
            values = np.broadcast_to(batch.consumption[name].to(rate.units).magnitude, (3,))
            assert values[i] == rate.magnitude, name


def test_bad_input_names_the_parameter():
    with pytest.raises(TecModelError, match="route"):
        AcidRecovery(route="chlor_alkali")
    with pytest.raises(TecModelError, match="hcl_recovery"):
        AcidRecovery(hcl_recovery=1.5)
    with pytest.raises(TecModelError, match="furnace_efficiency"):
        AcidRecovery(furnace_efficiency=0.0)
    with pytest.raises(TecModelError, match="salt_flow"):
        AcidRecovery(salt_flow=Q_(-1.0, "kg/h")).run({})
    with pytest.raises(TecModelError, match="water_flow"):
        # 1 kmol/h MgCl2 needs 18 kg/h of water to react; 1 kg/h is not a brine
        AcidRecovery(salt_flow=Q_(95.21, "kg/h"), water_flow=Q_(0.001, "m**3/h")).run({})


def test_in_a_plant_credits_lower_the_reagent_bill():
    from tecmodel import scenarios

    plant = scenarios.load("mt_weld_malaysia")
    base = plant.evaluate()
    stage = AcidRecovery(salt_flow=Q_(300.0, "kg/h"), water_flow=Q_(3.0, "m**3/h"))
    with_recovery = dataclasses.replace(plant, stages={**plant.stages, "acid": stage})
    result = with_recovery.evaluate()
    assert list(result.uncosted_outlets) == list(base.uncosted_outlets) == []
    own = _run(stage)
    credit = -own.consumption["hydrochloric_acid"] - own.consumption["magnesia"]
    assert credit.to("kg/h").magnitude > 0
    assert result.operating.reagents < base.operating.reagents
    assert result.capex > base.capex
