"""Themes: the policy agendas a position serves."""
