"""Models of the project package, gathered here so Django finds them."""

from kam.api.tokens import AccessToken
from kam.workspaces.models import Membership, Role, Workspace

__all__ = ["AccessToken", "Membership", "Role", "Workspace"]
