"""The column-mapping form and serializer of the spreadsheet task reader."""

from __future__ import annotations

from keystage.engine.tabular import ColumnMapping
from keystage.interop.tabular_form import (
    ColumnMappingForm,
    ColumnMappingSerializer,
    mapping_initial,
)

HEADERS = ["ID", "Task Name", "Duration", "Predecessors", "Resource Names", "Remarks"]


def test_initial_is_the_guess_and_the_form_gives_the_engine_mapping() -> None:
    initial = mapping_initial(HEADERS)
    assert initial["name"] == "Task Name" and initial["notes"] == ""
    form = ColumnMappingForm(data={**initial, "notes": "Remarks"}, headers=HEADERS)
    assert form.is_valid(), form.errors
    assert form.mapping() == ColumnMapping(
        name="Task Name",
        id="ID",
        duration="Duration",
        predecessors="Predecessors",
        resources="Resource Names",
        notes="Remarks",
    )


def test_form_refuses_headers_not_in_the_file_and_a_missing_name() -> None:
    form = ColumnMappingForm(data={"name": "", "duration": "Length"}, headers=HEADERS)
    assert not form.is_valid()
    assert set(form.errors) == {"name", "duration"}


def test_serializer_checks_headers_against_the_file() -> None:
    serializer = ColumnMappingSerializer(
        data={"name": "Task Name", "duration": "Length", "wbs": ""}, headers=HEADERS
    )
    assert not serializer.is_valid()
    assert serializer.errors == {"duration": ["This file has no column with that header."]}
    ok = ColumnMappingSerializer(data={"name": "Task Name", "predecessors": "Predecessors"})
    assert ok.is_valid(), ok.errors
    assert ok.mapping() == ColumnMapping(name="Task Name", predecessors="Predecessors")
