"""A reviewer's own settings: the queue's saved filters (save, list, rename, delete) and the
single-key switch of the review pages. Each page reads only the user's own rows
(``ObjectPermissionMixin``; the models' ``narrow_for``): another user's saved filter is a 404."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from kernel.mixins import ObjectPermissionMixin
from reviews import prefs
from reviews.filtersets import TransactionFilterSet
from reviews.forms import SavedFilterForm
from reviews.models import ReviewPreferences, SavedFilter
from transactions.models import Transaction


def queue_with(query: str) -> str:
    """The queue filtered by a saved filter's querystring."""
    url = reverse("reviews:transaction_list")
    return f"{url}?{query}" if query else url


def described(query: str, request=None) -> list[tuple[str, str]]:
    """A saved filter as its owner reads it: (filter label, value as the queue's form shows it)."""
    params = QueryDict(query)
    form = TransactionFilterSet(params, queryset=Transaction.objects.none(), request=request).form
    parts = []
    for name, values in params.lists():
        field = form.fields.get(name)
        if field is None:
            continue
        plain = hasattr(field, "choices") and not isinstance(field, forms.ModelChoiceField)  # a key is its own label
        labels = dict(_flat_choices(field)) if plain else {}
        shown = ", ".join(str(labels.get(value, value)) for value in values)
        parts.append((str(field.label or name.replace("_", " ").capitalize()), shown))
    return parts


def _flat_choices(field):
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label


class SavedFilterListView(ObjectPermissionMixin, View):
    """The user's saved filters: what each filters, apply, rename, delete."""

    model = SavedFilter
    template_name = "reviews/savedfilter_list.html"

    def get(self, request):
        rows = [{"saved": saved, "url": queue_with(saved.query), "parts": described(saved.query, request)}
                for saved in self.get_queryset()]
        return TemplateResponse(request, self.template_name, {
            "page_title": "Saved filters", "rows": rows, "queue_url": reverse("reviews:transaction_list"),
        })


class SavedFilterFormView(ObjectPermissionMixin, View):
    template_name = "reviews/savedfilter_edit.html"
    model = SavedFilter

    def render(self, form, *, status=200, saved=None):
        query = saved.query if saved else form["query"].value() or ""
        return TemplateResponse(self.request, self.template_name, {
            "page_title": f"Rename “{saved.name}”" if saved else "Save this filter",
            "form": form, "parts": described(query, self.request),
            "cancel_url": reverse("reviews:savedfilter_list") if saved else queue_with(query),
        }, status=status)


class SavedFilterAddView(SavedFilterFormView):
    """Name the queue's current filter ("Save this filter": the queue posts its filter here)."""

    action = "add"

    def get(self, request):
        return self.render(SavedFilterForm(owner=request.user, request=request,
                                           initial={"query": request.GET.get("query", "")}))

    def post(self, request):
        form = SavedFilterForm(request.POST, owner=request.user, request=request)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            saved = prefs.keep_filter(request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"])
        except IntegrityError:  # the same name saved meanwhile, from another tab
            form.add_error("name", form.taken(form.cleaned_data["name"]))
            return self.render(form, status=400)
        messages.success(request, f"Saved “{saved.name}”: it is in the queue's Saved filters menu.")
        return redirect(queue_with(saved.query))


class SavedFilterEditView(SavedFilterFormView):
    """Rename one of the user's saved filters."""

    action = "change"

    def get(self, request, pk):
        saved = self.get_row(pk=pk)
        return self.render(SavedFilterForm(instance=saved, owner=request.user, request=request), saved=saved)

    def post(self, request, pk):
        saved = self.get_row(pk=pk)
        before = saved.name
        form = SavedFilterForm(request.POST, instance=saved, owner=request.user, request=request)
        if not form.is_valid():
            saved.name = before
            return self.render(form, status=400, saved=saved)
        try:
            changed = prefs.rename_filter(saved, name=form.cleaned_data["name"])
        except IntegrityError:
            saved.name = before
            form.add_error("name", form.taken(form.cleaned_data["name"]))
            return self.render(form, status=400, saved=saved)
        if changed:
            messages.success(request, f"Renamed “{before}” to “{saved.name}”.")
        else:
            messages.info(request, "Nothing changed.")
        return redirect("reviews:savedfilter_list")


class SavedFilterDeleteView(ObjectPermissionMixin, View):
    model = SavedFilter
    action = "delete"
    http_method_names = ["post"]

    def post(self, request, pk):
        saved = self.get_row(pk=pk)
        prefs.forget_filter(saved)
        messages.success(request, f"Deleted the saved filter “{saved.name}”.")
        return redirect("reviews:savedfilter_list")


class ReviewPreferencesEditView(ObjectPermissionMixin, View):
    """The single-key switch of the help box: a POST of its form (``single_keys`` checked: on;
    absent: off). keys.js sends it in the background and reads the JSON answer; without
    JavaScript the form posts and comes back to the page."""

    model = ReviewPreferences
    action = "change"
    http_method_names = ["post"]

    def post(self, request):
        on = request.POST.get("single_keys", "") in ("on", "1", "true")
        prefs.set_single_keys(request.user, on)
        state = prefs.ON if on else prefs.OFF
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"single_keys": state})
        messages.info(request, f"Single-key shortcuts are {state}.")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("reviews:transaction_list")
        return HttpResponseRedirect(target)
