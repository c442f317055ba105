"""The project charter: generated from the proposal, business case, goals, scope and
milestones, stored as immutable numbered versions (JSON snapshot and PDF)."""
