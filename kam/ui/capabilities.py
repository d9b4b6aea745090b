"""What each capability lets a person do (kept with the policy in kam/permissions.py)."""

from kam.permissions import CAPABILITY_DESCRIPTIONS

__all__ = ["CAPABILITY_DESCRIPTIONS"]
