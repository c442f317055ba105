"""Base model, errors, the audit journal, optimistic locking and API plumbing."""
