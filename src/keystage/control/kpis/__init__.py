"""KPIs with RAG: the catalogue, the sources of their figures, thresholds, health, alerts."""
