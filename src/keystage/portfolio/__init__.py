"""Projects, memberships and the stage-gate life cycle."""
