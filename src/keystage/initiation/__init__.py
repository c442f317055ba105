"""Initiation: why is this project needed? Proposal, business case, research,
feasibility and stakeholders."""
