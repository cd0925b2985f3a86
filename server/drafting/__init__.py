"""Drafting: responses, positions, revisions and draft files."""
