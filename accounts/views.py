"""The Users pages: who may sign in, with which roles (administrators)."""
from __future__ import annotations

import ipaddress

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.views.generic import FormView, View

from accounts import services, throttle
from accounts.filtersets import UserFilterSet
from accounts.forms import UserAddForm, UserEditForm, UserPasswordForm
from accounts.roles import Role
from accounts.tables import UserTable
from kernel.generic import ObjectListView
from kernel.mixins import PermissionRequiredMixin

User = get_user_model()


class UserListView(ObjectListView):
    permission_required = "auth.view_user"
    table_class = UserTable
    filterset_class = UserFilterSet
    page_title = "Users"
    export_name = "users"
    template_name = "accounts/user_list.html"

    def get_queryset(self):
        role_groups = Prefetch("groups", queryset=Group.objects.filter(name__in=Role.values), to_attr="role_groups")
        return User.objects.order_by("username").prefetch_related(role_groups)

    def get_context_data(self, **kwargs):
        return super().get_context_data(signin_locks=throttle.current_locks(), **kwargs)


class UserCreateView(PermissionRequiredMixin, FormView):
    permission_required = "auth.add_user"
    form_class = UserAddForm
    template_name = "accounts/user_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        user = services.create_user(
            by=self.request.user, username=data["username"], password=data["password1"], roles=data["roles"],
            first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
            is_active=data["is_active"],
        )
        messages.success(self.request, f"{user.username} was added; they can sign in now.")
        return HttpResponseRedirect(reverse("accounts:user_list"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Add user", cancel_url=reverse("accounts:user_list"), **kwargs)


class ManagedUserMixin(PermissionRequiredMixin):
    """Loads the user a page changes; a superuser may be changed only by a superuser."""

    cancel_url = reverse_lazy("accounts:user_list")

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.target = get_object_or_404(User, pk=kwargs["pk"])
        if not services.may_manage(request.user, self.target):
            raise PermissionDenied("Only a superuser may change a superuser.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, cancel_url=self.cancel_url, **kwargs)


class UserEditView(ManagedUserMixin, FormView):
    permission_required = "auth.change_user"
    form_class = UserEditForm
    template_name = "accounts/user_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.target, "by": self.request.user}

    def form_valid(self, form):
        try:
            changes = services.update_user(
                self.target, by=self.request.user, roles=form.cleaned_data["roles"], **form.profile()
            )
        except ValidationError as error:  # changed by someone else since the form was checked
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            return self.form_invalid(form)
        if changes:
            names = ", ".join(name.replace("_", " ").replace("is active", "active") for name in changes)
            messages.success(self.request, f"{self.target.username}: saved ({names}).")
        else:
            messages.info(self.request, "Nothing changed.")
        return HttpResponseRedirect(reverse("accounts:user_list"))

    def get_context_data(self, **kwargs):
        is_self = self.target.pk == self.request.user.pk
        return super().get_context_data(
            page_title=f"Edit user {self.target.username}", is_self=is_self,
            signin_locks=throttle.locks_for(username=self.target.get_username()), **kwargs
        )


class UserPasswordView(ManagedUserMixin, FormView):
    permission_required = "auth.change_user"
    form_class = UserPasswordForm
    template_name = "accounts/user_password.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.target}

    def form_valid(self, form):
        services.set_password(self.target, form.cleaned_data["new_password1"], by=self.request.user)
        if self.target.pk == self.request.user.pk:
            update_session_auth_hash(self.request, self.target)  # stay signed in after setting one's own
        messages.success(self.request, f"A new password is set for {self.target.username}; tell them in person.")
        return HttpResponseRedirect(reverse("accounts:user_list"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=f"Set the password of {self.target.username}", **kwargs)


class UserUnlockView(ManagedUserMixin, View):
    """Lift the sign-in lock of a user name (POST from the user's page)."""

    permission_required = "auth.change_user"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if services.unlock_user(self.target, by=request.user):
            messages.success(request, f"{self.target.username} can sign in again: their wrong passwords are forgotten.")
        else:
            messages.info(request, f"{self.target.username} was not locked out: nothing to unlock.")
        return HttpResponseRedirect(reverse("accounts:user_edit", args=[self.target.pk]))


class AddressUnlockView(PermissionRequiredMixin, View):
    """Lift the sign-in lock of an address (POST from the Users list)."""

    permission_required = "auth.change_user"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            address = str(ipaddress.ip_address(request.POST.get("address", "").strip()))
        except ValueError:
            messages.error(request, "That is not an address: nothing was unlocked.")
        else:
            if services.unlock_address(address, by=request.user):
                messages.success(request, f"Sign-in from {address} is open again.")
            else:
                messages.info(request, f"{address} was not locked out: nothing to unlock.")
        return HttpResponseRedirect(reverse("accounts:user_list"))
