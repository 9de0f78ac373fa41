"""The sign-in pages: sign in, and "Forgot your password?" (Django's reset views) where e-mail is configured.

Sign-in is throttled by ``accounts.throttle``; the reset pages exist only with ``WOSCAN_EMAIL_CONFIGURED``
(``EMAIL_HOST`` set) — without e-mail, a person who forgot their password asks an administrator.
"""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse_lazy

from accounts import services


def _helper(submit: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit, css_class="w-100"))
    return helper


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(password_reset_available=settings.WOSCAN_EMAIL_CONFIGURED, **kwargs)


class EmailConfiguredMixin:
    """The reset pages answer 404 while the portal cannot send e-mail."""

    @login_not_required
    def dispatch(self, request, *args, **kwargs):
        if not settings.WOSCAN_EMAIL_CONFIGURED:
            raise Http404("The portal sends no e-mail: ask an administrator to set a new password.")
        return super().dispatch(request, *args, **kwargs)


class ResetRequestForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send the link")


class ResetSetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Set my password")

    def save(self, commit=True):
        # One service sets it: the audit row, and the user name's sign-in lock lifted (the e-mail proved who it is).
        services.reset_password(self.user, self.cleaned_data["new_password1"])
        return self.user


class PasswordResetView(EmailConfiguredMixin, auth_views.PasswordResetView):
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reset_hours=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs)


class PasswordResetDoneView(EmailConfiguredMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(EmailConfiguredMixin, auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(EmailConfiguredMixin, auth_views.PasswordResetCompleteView):
    pass
