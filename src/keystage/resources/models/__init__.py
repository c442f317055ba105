"""Models of keystage.resources, one module per subdomain; import them here so Django finds them."""

from keystage.resources.models.equipment import CostBasis, Equipment, EquipmentStatus
from keystage.resources.models.people import (
    RATE_SINCE_ALWAYS,
    Absence,
    CostRate,
    ResourceProfile,
)
from keystage.resources.models.procurement import (
    ProcurementCategory,
    ProcurementItem,
    ProcurementStatus,
)
from keystage.resources.models.skills import LEVELS, PersonSkill, Skill

__all__ = [
    "LEVELS",
    "RATE_SINCE_ALWAYS",
    "Absence",
    "CostBasis",
    "CostRate",
    "Equipment",
    "EquipmentStatus",
    "PersonSkill",
    "ProcurementCategory",
    "ProcurementItem",
    "ProcurementStatus",
    "ResourceProfile",
    "Skill",
]
