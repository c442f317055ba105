"""Quantitative schedule & cost risk: estimates, background Monte Carlo runs, results."""
