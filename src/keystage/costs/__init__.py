"""Costs: the cost plan and budget now; actuals, EVM inputs and the final reconciliation later."""
