"""Models of keystage.risks, one module per record kind."""

from keystage.risks.models.simulation import (
    Distribution,
    SimulationRun,
    SimulationSettings,
    TaskEstimate,
)

__all__ = ["Distribution", "SimulationRun", "SimulationSettings", "TaskEstimate"]
