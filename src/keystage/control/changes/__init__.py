"""Change requests: plan edits composed by the project manager, their what-if impact,
the sponsor's decision, and applying them with a named baseline."""
