"""Stage 5, closing: acceptance, handover, training, final budget, review, final report."""
