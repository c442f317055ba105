"""Notifications (in-app and e-mail) and comment threads on any record of a project."""
