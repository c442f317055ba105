"""Staffing: skill needs of tasks, assignments, each person's load and the recommender."""
