"""Facilitators' admin for delegations, their members, and the accounts members sign in
with. It extends the workshop admin of ``sessions`` with the workshop's delegations, the
access sheets, and whole-workshop files: export, import and duplicate (a higher app may
extend a lower app's admin).

One module per admin concern; importing them here registers them, as Django's admin
autodiscovery imports ``delegations.admin``."""

from . import access_cards, accounts, delegations, workshops

__all__ = ["access_cards", "accounts", "delegations", "workshops"]
