"""A reviewer's own settings of the review pages: the queue's saved filters and the single-key
switch (WCAG 2.1.4), kept with the user so that they follow them to another desktop.

They change what one person's pages show, never a line, a batch or anyone else's pages, so they
write no audit row: the trail holds the changes of shared things (lines, batches, users and their
grants, devices, the plant's settings), which the accountants and administrators read.
"""
from __future__ import annotations

from django.db import transaction as db

from reviews.models import ReviewPreferences, SavedFilter

ON, OFF, UNSET = "on", "off", ""


def saved_filters(user) -> list[SavedFilter]:
    """The user's saved filters, by name."""
    return list(SavedFilter.objects.filter(owner=user.pk))


def keep_filter(owner, *, name: str, query: str) -> SavedFilter:
    """A new saved filter of ``owner`` (the form has checked the name and the query)."""
    return SavedFilter.objects.create(owner=owner, name=name, query=query)


def rename_filter(saved: SavedFilter, *, name: str) -> bool:
    """Rename one; False when the name is the one it had."""
    if saved.name == name:
        return False
    saved.name = name
    saved.save(update_fields=["name", "updated_at"])
    return True


def forget_filter(saved: SavedFilter) -> None:
    saved.delete()


def single_keys(user) -> str:
    """The user's choice of single-key shortcuts: ON, OFF, or UNSET when they have not chosen
    (the pages then keep what the browser kept before the choice moved to the server)."""
    if not getattr(user, "is_authenticated", False):
        return UNSET
    chosen = ReviewPreferences.objects.filter(user=user.pk).values_list("single_keys", flat=True).first()
    return UNSET if chosen is None else (ON if chosen else OFF)


def set_single_keys(user, on: bool) -> ReviewPreferences:
    with db.atomic():
        prefs, _ = ReviewPreferences.objects.select_for_update().get_or_create(user=user)
        if prefs.single_keys != on:
            prefs.single_keys = on
            prefs.save(update_fields=["single_keys", "updated_at"])
        return prefs
