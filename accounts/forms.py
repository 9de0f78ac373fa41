"""Forms of the Users pages: add a user, edit one, set a password (Django's own password forms)."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm, UserCreationForm, UsernameField

from accounts import usernames
from accounts.roles import Role
from accounts.services import lockout_problems, role_names
from kernel.forms import SeenStateMixin

User = get_user_model()

ROLE_HELP = "What each role may do is listed beside the form. No role: the person can sign in but use no page."
ACTIVE_HELP = "Untick when someone leaves: they can no longer sign in, and their history stays."


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles", choices=[(role.value, role.value) for role in Role], required=False, widget=forms.CheckboxSelectMultiple, help_text=ROLE_HELP,
    )


def _helper(form: forms.Form, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_id = "user-form"
    helper.layout = Layout(*(Field(name) for name in form.fields), Submit("save", submit))
    return helper


class UserAddForm(UserCreationForm):
    """A new user: Django's creation form (username rules, password validators) plus roles."""

    roles = _roles_field()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "is_active")
        help_texts = {"is_active": ACTIVE_HELP, "username": usernames.RULE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["username", "first_name", "last_name", "email", "roles", "is_active", "password1", "password2"])
        self.helper = _helper(self, "Add user")

    def clean_username(self):
        self.cleaned_data["username"] = usernames.check(self.cleaned_data["username"])
        return super().clean_username()  # Django's: refuses a name that differs from another only in case


class UserEditForm(SeenStateMixin, forms.ModelForm):
    """A user's details and roles. ``by`` is who edits: nobody may lock themselves out."""

    roles = _roles_field()

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "is_active")
        field_classes = {"username": UsernameField}
        help_texts = {"is_active": ACTIVE_HELP, "username": usernames.RULE}

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.held_roles = role_names(self.instance)
        self.initial.setdefault("roles", self.held_roles)
        self.order_fields(["username", "first_name", "last_name", "email", "roles", "is_active"])
        self.seen_label = f"User {self.instance.username}"
        self.add_seen_field()
        self.helper = _helper(self, "Save")

    def seen_state(self) -> tuple:
        return (*super().seen_state(), tuple(sorted(self.held_roles)))

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username != self.instance.username:  # a name given before the rule stays until it is changed
            username = usernames.check(username)
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A user with that username already exists.")
        return username

    def clean(self):
        cleaned = super().clean()
        self.check_seen()
        if "roles" in cleaned and "is_active" in cleaned:
            # The instance as it is stored: the form has not written its values into it yet.
            stored = User.objects.get(pk=self.instance.pk)
            for name, message in lockout_problems(
                stored, by=self.by, roles=cleaned["roles"], is_active=cleaned["is_active"]
            ).items():
                self.add_error(name, message)
        return cleaned

    def profile(self) -> dict:
        """The details the service sets, besides the roles."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class UserPasswordForm(SetPasswordForm):
    """Set someone's password (Django's form: the password validators apply)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.helper = _helper(self, "Set password")
