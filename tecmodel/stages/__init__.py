"""Process stages: each says what a plant physically does (flows, sizes, consumptions,
wastes, labor). See :mod:`tecmodel.stages.base` for the protocol."""

from .base import WASTE_CLASSES, Equipment, Stage, StageResult, Waste

__all__ = ["WASTE_CLASSES", "Equipment", "Stage", "StageResult", "Waste"]
