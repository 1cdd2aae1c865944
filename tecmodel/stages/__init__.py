"""Process stages: each says what a plant physically does (flows, sizes, consumptions,
wastes, labor). See :mod:`tecmodel.stages.base` for the protocol a stage follows."""

from .acid_recovery import AcidRecovery
from .base import WASTE_CLASSES, Equipment, Stage, StageResult, Waste
from .bio_recovery import Bioleaching, Biosorption, magnet_scrap_stream
from .cracking import (
    BastnaesiteCracking,
    CausticCracking,
    ClayLeaching,
    SulfuricBake,
    ThoriumRemoval,
    concentrate_composition,
)
from .effluent import EffluentTreatment
from .europium_reduction import EuropiumReduction
from .generic import GenericStage
from .leaching import AcidLeaching
from .metal import MetallothermicReduction, MoltenSaltElectrolysis
from .precipitation import BicarbonatePrecipitation, Calcination, OxalatePrecipitation
from .solvent_extraction import SolventExtractionSection
from .three_outlet import ThreeOutletSection
from .waste import Disposal, LimeNeutralisation

__all__ = [
    "WASTE_CLASSES",
    "AcidLeaching",
    "AcidRecovery",
    "BastnaesiteCracking",
    "BicarbonatePrecipitation",
    "Bioleaching",
    "Biosorption",
    "Calcination",
    "CausticCracking",
    "ClayLeaching",
    "Disposal",
    "EffluentTreatment",
    "Equipment",
    "EuropiumReduction",
    "GenericStage",
    "LimeNeutralisation",
    "MetallothermicReduction",
    "MoltenSaltElectrolysis",
    "OxalatePrecipitation",
    "SolventExtractionSection",
    "Stage",
    "StageResult",
    "SulfuricBake",
    "ThoriumRemoval",
    "ThreeOutletSection",
    "Waste",
    "concentrate_composition",
    "magnet_scrap_stream",
]
