"""Stage 2: goals, scope, work breakdown, schedule, baselines, budget and the charter."""
