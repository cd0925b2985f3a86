"""Tabled: draft, review and publish policy responses."""
