"""Accounts: users, roles, groups, passwords, API tokens and sign-in throttling."""
