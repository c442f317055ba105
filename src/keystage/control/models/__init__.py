"""Models of keystage.control, one module per concern; import them here so Django finds them."""

from keystage.control.models.changes import ChangeRequest  # noqa: F401
from keystage.control.models.evm_snapshots import EvmSnapshot  # noqa: F401
from keystage.control.models.kpi_states import KpiState  # noqa: F401
from keystage.control.models.status_reports import StatusReport  # noqa: F401
from keystage.control.models.thresholds import KpiThresholdSet  # noqa: F401
