"""The one view mixin through which every page checks permission and reads its rows."""
from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kernel.permissions import ACTIONS, may, permission_for, recount, restrict


class ObjectPermissionMixin(AccessMixin):
    """A page declares the rows it works on (``model``, or ``queryset`` for a queryset class of
    its own) and what it does to them (``action``; ``method_actions`` for a method that does
    more, e.g. ``{"post": "change"}``). The mixin then

    - checks the action's permission (``kernel.permissions.ACTIONS``) before anything
      else: a signed-in user without it gets the 403 page, an anonymous one the sign-in page
      (``LoginRequiredMiddleware`` sends them there first);
    - restricts ``get_queryset()`` to the rows the user may ``action`` (``permissions.restrict``);
      ``rows()`` gives the rows for another action or model, ``may()`` says whether the user
      may do another action;
    - re-counts, after a bulk write, the touched rows against those the user may still touch
      (``recount``).
    """

    model = None
    queryset = None
    action = "view"
    method_actions: dict[str, str] = {}

    @classmethod
    def base_rows(cls, model=None):
        if model is not None:
            return model._default_manager.all()
        if cls.queryset is not None:
            return cls.queryset.all()
        if cls.model is None:
            raise TypeError(f"{cls.__name__} names neither the model nor the queryset it reads.")
        return cls.model._default_manager.all()

    @classmethod
    def action_for(cls, method: str) -> str:
        return cls.method_actions.get(method.lower(), cls.action)

    @classmethod
    def required_permission(cls, method: str = "get") -> str:
        """The permission a request with ``method`` needs."""
        return permission_for(cls.base_rows().model, cls.action_for(method))

    def get_action(self) -> str:
        return self.action_for(self.request.method)

    def has_permission(self) -> bool:
        """Whether the user may make this request (its method's action)."""
        return self.request.user.has_perm(self.required_permission(self.request.method))

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def rows(self, action: str | None = None, *, model=None, user=None):
        """The rows (of this page's model, or of ``model``) the user may ``action`` (the page's own
        action by default)."""
        return restrict(self.base_rows(model), user or self.request.user, action or self.get_action())

    def get_queryset(self):
        return self.rows()

    def may(self, action: str, model=None) -> bool:
        return may(self.request.user, model or self.base_rows().model, action)

    def get_row(self, **lookup):
        """The row of the URL among those the user may ``action``: a 403 when they may only see
        it (e.g. an administrator and a superuser's account), a 404 when not even that."""
        rows = self.get_queryset()
        try:
            return rows.get(**lookup)
        except rows.model.DoesNotExist:
            seen = self.get_action() != "view" and "view" in ACTIONS.get(rows.model._meta.label_lower, {})
            if seen and self.rows("view").filter(**lookup).exists():
                what = rows.model._meta.verbose_name
                raise PermissionDenied(f"You may not {self.get_action()} this {what}.") from None
            raise Http404(f"No {rows.model._meta.verbose_name} matches the given query.") from None

    def recount(self, touched, action: str | None = None) -> None:
        """After a bulk write, inside its ``atomic()`` block: every touched row must be one the user
        may still ``action``, with their permissions read again from the database (taken away
        meanwhile, say). Raises ``PermissionDenied`` (a 403) otherwise, which rolls the write back."""
        recount(self.base_rows(), self.request.user, action or self.get_action(), touched,
                refused="This change touched rows you may not change; nothing was changed.")

