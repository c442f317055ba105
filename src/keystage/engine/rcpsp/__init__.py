"""Resource-constrained project scheduling: problem model, heuristics, CP-SAT optimiser."""
