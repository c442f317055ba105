"""The last RAG of each KPI of a project, so an alert goes out once per crossing."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from keystage.portfolio.models import Project

RAG_VALUES = ("green", "amber", "red", "not_measured")


class KpiState(models.Model):
    """What the last check found for one KPI of a project (written by the checks only)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kpi_states")
    key = models.CharField(max_length=80)
    rag = models.CharField(max_length=20)
    reason = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField()
    changed_at = models.DateTimeField(help_text="When the RAG last changed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="kpi_state_once"),
            models.CheckConstraint(condition=Q(rag__in=RAG_VALUES), name="kpi_state_rag"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.rag}"
