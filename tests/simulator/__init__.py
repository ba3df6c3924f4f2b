"""Stateful HTTPS simulator of the Oracle SBC, BigFix Inventory and BigID REST APIs (SPEC sections 1 and 4)."""

from .core import Simulator
from .journal import fingerprint
from .settings import DEFAULT_USERS, bigfix_api_token

__all__ = ["Simulator", "fingerprint", "DEFAULT_USERS", "bigfix_api_token"]
