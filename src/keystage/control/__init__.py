"""Stage 4, monitoring & control: KPIs with RAG and their alerts (earned value, risks,
issues, change requests and status reports join here)."""
