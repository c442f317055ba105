"""Execution (stage 3): the team records the work — progress, time, status updates."""
