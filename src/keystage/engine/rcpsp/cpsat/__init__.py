"""CP-SAT model of the (multi-mode) RCPSP: variables, constraints, objective, solve."""
