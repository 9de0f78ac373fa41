"""Accounts use Django's User and Group; roles are groups (see accounts.roles)."""
