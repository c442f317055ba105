"""Risk register, issue log and quantitative schedule & cost risk (Monte Carlo)."""
