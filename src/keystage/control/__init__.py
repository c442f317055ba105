"""Stage 4, monitoring & control: earned value, KPIs with RAG and their alerts (risks,
issues, change requests and status reports join here)."""
