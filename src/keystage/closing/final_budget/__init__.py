"""The final budget: budget against actual per category, variance explanations, released
contingency and reserve, final EAC = AC, and its recorded reconciliations."""
