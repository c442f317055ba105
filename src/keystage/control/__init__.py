"""Stage 4, monitoring and control: earned value, KPIs and status reports."""
