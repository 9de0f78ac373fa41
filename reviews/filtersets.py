"""Filters of the review queue (django-filter). Every filter is served by an index or a keyed
subquery, so a filtered page costs about the same as the first page."""
from __future__ import annotations

import operator
from functools import reduce

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.db.models import Exists, OuterRef, Q

from kernel.filters import PlantDayFilter
from kernel.idlist import InIds
from kernel.parts import with_parts
from mas import names
from mas.models import WorkCenter
from transactions.models import (
    PADDED_KEYS, TO_REVIEW_STATES, Device, Finding, Severity, Transaction, TransactionSource, TransactionStatus,
    TransactionType, waiting_for_review,
)
from transactions import search as text_search

NAME_KEYS = 200  # keys of each kind a name in the search box may stand for
# The orders a search read part by part merges (kernel.parts): each part's index is (key, collected_at, id).
QUEUE_ORDERS = {("-collected_at", "-id"): True, ("collected_at", "id"): False}
SEARCH_IDS = 1_000  # matching lines a search pages by id; past it, the queue read part by part (kernel.parts; measured)

# Parameters of a queue address that are not its filter: a saved filter and a carried one drop them.
NOT_CARRIED = ("page", "sort", "_export", "per_page")


def filled(params: QueryDict) -> QueryDict:
    """The parameters without the empty ones (a form sends every field, set or not)."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        values = [value for value in values if value != ""]
        if values:
            query.setlist(key, values)
    return query


def filter_query(params: QueryDict) -> str:
    """The filter part of a querystring (no page, sort or export), to carry between pages."""
    query = filled(params)
    for key in NOT_CARRIED:
        query.pop(key, None)
    return query.urlencode()


class OneOfSelect(forms.Select):
    """One drop-down (no Ctrl-click) for a filter the URL may give several values
    (``?type=labor&type=crew_labor``): it reads every value, and drops the empty "any" one."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [value for value in values if value]


def _finding_choices():
    """Errors, then warnings, each code in its plain words."""
    from transactions.validation import FINDING_ERRORS, FINDING_WARNINGS

    return [("Errors", list(FINDING_ERRORS.items())), ("Warnings", list(FINDING_WARNINGS.items()))]


class TransactionFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search",
                           help_text="A line, work order, employee or crew number; part of an item, a comment, a name or a description")
    # The state is chosen by the queue's tabs (one tab may be two states: "To review").
    status = filters.MultipleChoiceFilter(choices=TransactionStatus.choices, label="State", distinct=False,
                                          widget=forms.MultipleHiddenInput)
    type = filters.MultipleChoiceFilter(choices=[("", "Any type"), *TransactionType.choices], distinct=False,
                                        widget=OneOfSelect)
    work_order = filters.CharFilter(method="keyed", label="Work order")
    step = filters.CharFilter(method="keyed")
    employee = filters.CharFilter(method="keyed", label="Employee")
    crew = filters.CharFilter(method="keyed", label="Crew")
    work_center = filters.ModelChoiceFilter(
        queryset=WorkCenter.objects.filter(active=True), to_field_name="code", method="in_work_center",
        label="Work center", empty_label="Any work center",
    )
    source = filters.ChoiceFilter(choices=TransactionSource.choices)
    device = filters.ModelChoiceFilter(queryset=Device.objects.all())
    entered_by = filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"), label="Entered by"
    )
    collected_after = PlantDayFilter(field_name="collected_at", bound="from", label="Collected from")
    collected_before = PlantDayFilter(field_name="collected_at", bound="to", label="Collected to")
    finding = filters.ChoiceFilter(method="has_finding", label="Finding", choices=_finding_choices,
                                   empty_label="Any finding")
    severity = filters.ChoiceFilter(
        choices=[("error", "Has an error"), ("warning", "Has a warning (no error)"), ("none", "No findings")],
        method="has_severity", label="Findings", empty_label="Any findings",
    )

    class Meta:
        model = Transaction
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_capped: list[str] = []  # the kinds of name a search stood for more than NAME_KEYS of
        self.searched_by_ids = False  # whether the search was answered by its matching lines' ids

    def filter_queryset(self, queryset):
        """The filters; and when only lines waiting for review are asked for, the term that lets the
        database read them from the small partial indexes of waiting lines (``waiting_for_review``)
        instead of walking a work order's or an employee's whole history."""
        queryset = super().filter_queryset(queryset)
        states = set(self.form.cleaned_data.get("status") or ())
        if states and states <= set(TO_REVIEW_STATES):
            queryset = queryset.filter(waiting_for_review())
        return queryset

    def search(self, queryset, name, value):
        """Every condition is answered by an index, so a text that matches nothing costs no scan.

        - the line number, and a work order, employee or crew key as typed ("1001" is work order
          0001001, "42" employee 0000042): equality on the keyed indexes;
        - 3 characters or more: contained in the item or the comment, in any case
          (``transactions.search``: a trigram index on PostgreSQL, FTS5 on SQLite). The keys are
          not in it: they are numbers of one width whose few trigrams every line shares, so a
          key's text search would read every line's entry; whole keys are found above;
        - a name or part of one — an employee's, a crew's, the item a work order makes, a step's
          description: looked up in the mirror (small tables), then the lines of those keys are
          read from the keyed indexes. At most ``NAME_KEYS`` keys of each kind; past that
          ``search_capped`` names the kinds cut short (the queue says to narrow the search).

        The matching lines' ids are read first, from those indexes alone; up to ``SEARCH_IDS`` of
        them the page is those lines in the queue's order (a sort of a few rows). A search that
        matches more — a work order's or an employee's years of history — is the conditions or-ed,
        read part by part (``kernel.parts``): its page merged from each part's first rows in the
        queue's order, its tabs counted on each part's (key, state) index, so it costs what a
        keyed filter costs, not what the key's history holds.
        """
        value = value.strip()
        if not value:
            return queryset
        # The queue reads its filter twice (the page, and its tabs' counts under the other
        # filters): the search is worked out once per request.
        memo = getattr(self.request, "_queue_search", None) if self.request is not None else None
        if memo is None:
            memo = {}
            if self.request is not None:
                self.request._queue_search = memo
        if value not in memo:
            memo[value] = self._search_condition(value)
        condition, self.searched_by_ids, parts = memo[value]
        return with_parts(queryset, condition, parts, QUEUE_ORDERS) if parts else queryset.filter(condition)

    def _search_condition(self, value: str) -> tuple[Q, bool, list[Q]]:
        """The search's condition; whether it is the matching lines' ids; and, when it is not, its
        parts that match lines (``kernel.parts``: its page and counts read part by part)."""
        upper = value.upper()
        keyed = [Q(work_order=upper), Q(employee=upper), Q(crew=upper)]
        if value.isdigit():
            if len(value) <= 18:
                keyed.append(Q(pk=int(value)))
            keyed.append(Q(work_order=value.zfill(PADDED_KEYS["work_order"])))
            keyed.append(Q(employee=value.zfill(PADDED_KEYS["employee"])))
        for field, keys in self._named(value).items():
            if field == "step" and keys:
                keyed.append(reduce(operator.or_, (Q(work_order=wo, step=step) for wo, step in keys)))
            elif keys:
                keyed.append(Q(**{f"{field}__in": keys}))
        # A key typed whole ("0001007") is also its padded self: one condition, read once.
        keyed = [q for n, q in enumerate(keyed) if q not in keyed[:n]]
        has_text = len(value) >= text_search.MIN_LENGTH
        ids = set(text_search.matching_ids(value, SEARCH_IDS + 1)) if has_text else set()
        few = len(ids) <= SEARCH_IDS
        if few:
            # One SELECT per condition, joined by UNION ALL: each is planned on its own index (or-ed
            # in one WHERE, SQLite takes the blank crew of most lines for a reason to scan them all),
            # and the reading stops at the limit (a UNION would first read every part whole). A line
            # two parts share comes twice: a read that reaches the limit is taken for "many".
            probes = [Transaction.objects.filter(q).order_by().values_list("pk", flat=True) for q in keyed]
            read = list(probes[0].union(*probes[1:], all=True)[:SEARCH_IDS + 1])
            ids.update(read)
            few = len(read) <= SEARCH_IDS and len(ids) <= SEARCH_IDS
        if few:
            return Q(InIds(ids)), True, []  # one parameter however many: the page, its counts and totals carry it
        if has_text:
            keyed.append(Q(text_search.TextContains(value)))
        # A part that matches no line is left out of the reading part by part (one look in its index).
        parts = [q for q in keyed if Transaction.objects.filter(q).order_by().exists()]
        return reduce(operator.or_, keyed), False, parts

    def _named(self, value: str) -> dict[str, list]:
        """{line field: keys} of the mirror rows whose name or description contains the text
        (``mas.names``: a trigram index on PostgreSQL)."""
        found = {}
        for field, kind in (("employee", "employee"), ("crew", "crew"), ("work_order", "work_order"), ("step", "step")):
            keys = names.keys_named(kind, value, NAME_KEYS + 1)
            if len(keys) > NAME_KEYS:
                self.search_capped.append(field)
            found[field] = keys[:NAME_KEYS]
        return found

    def keyed(self, queryset, name, value):
        """MAS keys are fixed-width: "1001" finds work order 0001001, "10" step 0010 and "42"
        employee 0000042. One equality per filter, so each is served by its (key, collected_at)
        index in the queue's order."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(**{name: value.zfill(PADDED_KEYS.get(name, 0)) if value.isdigit() else value.upper()})

    def in_work_center(self, queryset, name, value):
        """The line's stored work center (set from its mirror step on arrival, on edit and
        after each pull), served by the (work_center, collected_at, id) index."""
        return queryset.filter(work_center=value.code)

    def has_finding(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Exists(Finding.objects.filter(transaction=OuterRef("pk"), code=value)))

    def has_severity(self, queryset, name, value):
        """"Has a warning" is warnings only: a line with an error is under "Has an error"."""
        if value == "none":
            return queryset.filter(~Exists(Finding.objects.filter(transaction=OuterRef("pk"))))
        errors = Exists(Finding.objects.filter(transaction=OuterRef("pk"), severity=Severity.ERROR))
        if value == "error":
            return queryset.filter(errors)
        return queryset.filter(Exists(Finding.objects.filter(transaction=OuterRef("pk"), severity=Severity.WARNING)),
                               ~errors)
