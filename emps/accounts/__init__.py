"""Accounts: the user's own page, password change, TOTP two-factor authentication, team accounts."""
