"""Shared view mixins: the one place page permissions are enforced."""
from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin as _PermissionRequiredMixin


class PermissionRequiredMixin(_PermissionRequiredMixin):
    """Anonymous users go to the login page (LoginRequiredMiddleware); a signed-in user
    without ``permission_required`` gets the 403 page, never a redirect loop."""

    raise_exception = False  # Django raises 403 for authenticated users regardless
