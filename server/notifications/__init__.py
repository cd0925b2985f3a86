"""Notifications: in-app messages and email about workflow moves and deadlines."""
