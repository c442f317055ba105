"""Quality: how each deliverable is verified, sign-offs, defects and test runs."""
