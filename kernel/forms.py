"""What the portal's forms share."""
from __future__ import annotations

import hashlib

from django import forms


class SeenStateMixin:
    """Refuses a save made from a page opened before someone else saved the same thing.

    The page carries a digest of what it showed (``seen``, hidden); on save it must still be
    what is stored, or the form says so instead of silently undoing the other person's change.
    Call ``add_seen_field()`` at the end of ``__init__`` (the instance as stored) and
    ``check_seen()`` in ``clean()``. A post without ``seen`` (a script) is not checked.
    """

    seen_label = "This"

    def seen_state(self) -> tuple:
        return tuple(getattr(self.instance, name) for name in self._meta.fields)

    def add_seen_field(self) -> None:
        self._stored_digest = hashlib.sha256(repr(self.seen_state()).encode()).hexdigest()[:32]
        self.fields["seen"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial["seen"] = self._stored_digest

    def check_seen(self) -> None:
        seen = self.cleaned_data.get("seen")
        if seen and seen != self._stored_digest:
            raise forms.ValidationError(
                f"{self.seen_label} was changed by someone else after you opened this page: reload it to see "
                "their change, then make yours again. Nothing was saved."
            )
