"""One field-error family: every "this input cannot be used" error is a FieldError."""

from __future__ import annotations

import pytest

from keystage.engine.costplan import CostPlanError
from keystage.engine.errors import FieldError
from keystage.engine.evm import EvmError
from keystage.engine.finance_errors import FinanceError, FinanceFieldError
from keystage.reporting.svg.charts import ChartError
from keystage.reporting.svg.gantt import GanttError


@pytest.mark.parametrize(
    "cls", [FinanceFieldError, EvmError, CostPlanError, ChartError, GanttError]
)
def test_field_errors_share_one_base(cls: type[FieldError]) -> None:
    exc = cls("lines[2].amount", "must not be negative")
    assert isinstance(exc, FieldError) and isinstance(exc, ValueError)
    assert (exc.field, exc.message, str(exc)) == (
        "lines[2].amount",
        "must not be negative",
        "lines[2].amount: must not be negative",
    )


def test_finance_field_error_is_still_a_finance_error() -> None:
    assert issubclass(FinanceFieldError, FinanceError)
