"""Review pages: the landing counts, the queue, one line's detail and edit, bulk decisions.

Views parse input, check permission (``ObjectPermissionMixin``: each page's action on the
lines says which it reads), call one service, message and redirect.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction as db
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View
from django.views.generic import DetailView, TemplateView

from audit.log import history
from audit.models import AuditEntry
from reviews import bulk, charts, linepage, prefs, services
from reviews.filtersets import NOT_CARRIED, TransactionFilterSet, filled, filter_query
from reviews.forms import DecisionForm, TransactionEditForm
from reviews.models import BulkDecision, SavedFilter
from transactions import lifecycle
from transactions.models import TOTALLED, Finding, Severity, Transaction, TransactionStatus, waiting_for_review
from reviews.tables import TransactionTable
from kernel.counting import Budget, capped, capped_sums
from kernel.display import total_text
from kernel.filters import start_of_day
from kernel.generic import ObjectListView
from kernel.mixins import ObjectPermissionMixin

S = TransactionStatus
TO_REVIEW = (S.NEEDS_REVIEW, S.FLAGGED)
# The queue's tabs: (label, status values); an empty tuple means every state.
TABS = (
    ("To review", TO_REVIEW), ("Needs review", (S.NEEDS_REVIEW,)), ("Flagged", (S.FLAGGED,)),
    ("Approved", (S.APPROVED,)), ("Rejected", (S.REJECTED,)), ("Exported", (S.EXPORTED,)), ("All", ()),
)
# Counts and totals on the queue read at most this many lines each (then "10,000+"): a count
# served by the (status, collected_at, id) index stops there, so a page costs the same with
# millions of decided lines behind it.
COUNT_CAP = 10_000
# The time the queue's counts and totals may take together (kernel.counting): a rare filter over
# millions of lines would otherwise count them all; past it the page says "many".
COUNT_BUDGET = settings.WOSCAN_COUNT_BUDGET
# The decided states' tabs (rejected, exported) count no further: their history only grows, and
# "1,000+" says what a tab needs to.
DECIDED_CAP = 1_000
ACTED_ON = (*TO_REVIEW, S.APPROVED)  # the states someone still acts on: counted first, to COUNT_CAP
DECIDED_SHARE = 1 / 3  # of COUNT_BUDGET, at most, for the counts of the rejected and exported tabs
EXPORT_CHUNK = 2_000  # lines read (and their findings prefetched) at a time by an export
BULK_LIMIT = 20_000  # picked lines one request may decide (a page shows far fewer); "all that match" has no limit


def queue_url(statuses=TO_REVIEW, **filters) -> str:
    query = QueryDict(mutable=True)
    query.setlist("status", [str(s) for s in statuses])
    for name, value in filters.items():
        query[name] = str(value)
    return f"{reverse('reviews:transaction_list')}?{query.urlencode()}"


def count_text(n: int, cap: int = COUNT_CAP) -> str:
    return f"{cap:,}+" if n > cap else f"{n:,}"


def tab_count(per_state: dict, statuses) -> str | None:
    """A tab's count from its states' capped counts: "1,000+" when one of them reached its cap;
    None when one of them was not counted in time."""
    parts = [per_state[s] for s in (statuses or per_state)]
    if any(n is None for n in parts):
        return None
    caps = [state_cap(s) for s in (statuses or per_state)]
    total = sum(min(n, cap) for n, cap in zip(parts, caps))
    if any(n > cap for n, cap in zip(parts, caps)):
        return f"{total:,}+"
    return count_text(total)


def exact_states(per_state: dict, all_lines: int | None) -> dict:
    """The states' exact counts: those counted within their cap and, when every line under the
    filters was counted (``all_lines``, the All tab's exact count) and one state alone was not —
    past its cap, or out of time —, that one as what the others leave ("Exported 4,615" where
    it would say "1,000+" or nothing)."""
    exact = {s: n for s, n in per_state.items() if n is not None and n <= state_cap(s)}
    unknown = [s for s in per_state if s not in exact]
    if all_lines is not None and len(unknown) == 1:
        exact[unknown[0]] = max(0, all_lines - sum(exact.values()))  # (lines moving meanwhile: never below 0)
    return exact


def state_cap(status) -> int:
    return COUNT_CAP if status in ACTED_ON else DECIDED_CAP


class ReviewDashboardView(ObjectPermissionMixin, TemplateView):
    """The supervisor's landing page: what is waiting, and what the last days decided; below the
    counts, charts of the same bounded windows (``reviews.charts``).

    Its cost follows the work, not the history: each count is one ``status = …`` count on the
    (status, collected_at, id) index — the waiting states, the decided ones for the last
    ``RECENT_DAYS`` days of collection only — and stops at ``COUNT_CAP`` ("10,000+": approved
    lines pile up when nobody sends them to MAS); never a count of every line ever collected."""

    model = Transaction
    action = "review"
    template_name = "reviews/dashboard.html"
    WAITING = (S.NEEDS_REVIEW, S.FLAGGED, S.APPROVED)
    DECIDED = (S.REJECTED, S.EXPORTED)
    RECENT_DAYS = 7

    def get_context_data(self, **kwargs):
        rows = self.rows("view")
        since = start_of_day(timezone.localdate() - timedelta(days=self.RECENT_DAYS - 1))
        waiting = [(status, count_text(capped(rows.filter(status=status), COUNT_CAP), COUNT_CAP), queue_url((status,)))
                   for status in self.WAITING]
        recent = [
            (status, count_text(capped(rows.filter(status=status, collected_at__gte=since), COUNT_CAP), COUNT_CAP),
             queue_url((status,), collected_after=since.date()))
            for status in self.DECIDED
        ]
        findings, finding_kinds = charts.findings_by_kind(rows, queue_url)
        hours, rejections = self.history_charts(rows)
        return super().get_context_data(
            waiting=waiting, recent=recent, recent_days=self.RECENT_DAYS, queue_url=queue_url(),
            ages=charts.waiting_by_age(rows, queue_url), findings=findings, finding_kinds=finding_kinds,
            hours=hours, rejections=rejections,
            hours_days=charts.HOURS_DAYS, rejection_days=charts.REJECTION_DAYS, **kwargs
        )

    def history_charts(self, rows):
        """The hours and rejection-rate charts: days of history, which change little from one minute
        to the next, kept ``WOSCAN_CHART_CACHE_SECONDS`` per user and plant day (most of the charts'
        cost); the waiting lines' charts and the counts are always read afresh."""
        seconds = settings.WOSCAN_CHART_CACHE_SECONDS
        key = f"woscan:landing-history:{self.request.user.pk}:{timezone.localdate().isoformat()}"
        kept = cache.get(key) if seconds else None
        if kept is None:
            kept = charts.hours_by_work_center(rows), charts.rejection_rate(rows)
            if seconds and not any(chart.unknown for chart in kept):
                cache.set(key, kept, seconds)
        return kept


class TransactionListView(ObjectListView):
    """The review queue: filter, sort, export, and pick lines for a bulk decision."""

    model = Transaction
    table_class = TransactionTable
    filterset_class = TransactionFilterSet
    template_name = "reviews/transaction_list.html"
    page_title = "Review queue"
    export_name = "transactions"

    # Filters shown in the one row above the queue; the others are under "More filters".
    MAIN_FILTERS = ("q", "type", "work_center", "severity", "collected_after", "collected_before")

    def get_queryset(self):
        """The page's lines with what their cells show, in three queries whatever the page size:
        the lines (without ``raw``, the line as sent, which no column shows: decoding that JSON
        was a fifth of the page's model-building), their device and user joined, and their
        findings in one query set straight on each line (``page_findings``) — a plain
        ``prefetch_related("findings")`` also builds one queryset per line to hold them."""
        findings = Prefetch("findings", queryset=Finding.objects.order_by(), to_attr="page_findings")
        return (super().get_queryset().select_related("device", "entered_by").defer("raw")
                .prefetch_related(findings))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if kwargs["data"] is not None:
            kwargs["data"] = filled(kwargs["data"])
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = filled(self.request.GET)
        current = sorted(params.getlist("status"))
        carried = filter_query(self.request.GET)
        base = params.copy()
        for key in (*NOT_CARRIED, "status"):
            base.pop(key, None)
        budget = Budget(COUNT_BUDGET)
        per_state = self.state_counts(base, budget)
        totals = self.totals(context["table"], budget)
        exact = {} if per_state is None else exact_states(per_state, totals["n"] if not current else None)
        tabs = []
        for label, statuses in TABS:
            query = base.copy()
            query.setlist("status", [str(s) for s in statuses])
            active = sorted(str(s) for s in statuses) == current
            if per_state is None:  # a filter that does not read: no tab is counted
                count = None
            elif active and totals["n"] is not None:
                # The lines shown were counted exactly ("1–50 of 5,106"): their tab says the same,
                # not the lower bound its capped decided states gave ("1,491+").
                count = totals["count"]
            elif statuses and all(s in exact for s in statuses):
                count = count_text(sum(exact[s] for s in statuses))
            else:
                count = tab_count(per_state, statuses)
            tabs.append({"label": label, "url": f"?{query.urlencode()}", "count": count, "active": active})
        form = self.filterset.form
        for name in self.MAIN_FILTERS:
            form.fields[name].widget.attrs.setdefault("class", "form-select form-select-sm")
        more = [form[name] for name in form.fields if name not in (*self.MAIN_FILTERS, "status")]
        context.update(
            tabs=tabs, can_review=self.may("review"), filter_query=carried,
            shown_at=timezone.now().isoformat(),
            main_filters=[form[name] for name in self.MAIN_FILTERS], status_field=form["status"],
            more_filters=more, more_open=any(params.get(field.name) for field in more),
            queue_totals=totals, count_cap=f"{COUNT_CAP:,}",
            **self.saved_filters(carried), single_keys=prefs.single_keys(self.request.user),
        )
        return context

    def saved_filters(self, carried: str) -> dict:
        """The user's saved filters for the menu of the filter row (who may review keeps theirs),
        the one the queue shows now marked."""
        if not self.may("view", SavedFilter):
            return {"saved_filters": None}
        menu = [{"name": saved.name, "url": f"?{saved.query}", "active": saved.query == carried}
                for saved in self.rows("view", model=SavedFilter)]
        return {"saved_filters": menu, "saved_current": next((m["name"] for m in menu if m["active"]), "")}

    def state_counts(self, params: QueryDict, budget: Budget) -> dict | None:
        """Lines per state under the queue's other filters, each capped (one count per state on
        the status index) and within the page's time ``budget`` (a state it ran out on: None),
        the states waiting for someone first; None when the filter is not valid."""
        filterset = TransactionFilterSet(params or None, queryset=self.rows(), request=self.request)
        if filterset.is_bound and not filterset.is_valid():
            return None
        rows = filterset.qs
        waiting_first = sorted(S, key=lambda status: status not in ACTED_ON)
        if filterset.searched_by_ids:
            # A search answered by its lines' ids (at most SEARCH_IDS): one grouped count reads
            # each of them once, where a count per state would read them all once per state.
            grouped = budget.run(lambda: dict(rows.order_by().values("status").annotate(n=Count("id"))
                                              .values_list("status", "n")))
            return {status: None if grouped is None else grouped.get(status, 0) for status in waiting_first}
        def of(status):
            one = rows.filter(status=status)
            return one.filter(waiting_for_review()) if status in TO_REVIEW else one

        # Rejected and exported lines only pile up: under a work order's or an employee's filter
        # their rarer state reads that key's whole history to find fewer than DECIDED_CAP. They
        # get a part of the budget, so the waiting and approved counts and the page's totals
        # (what a supervisor acts on) keep the rest.
        counts = {status: budget.count(of(status), state_cap(status)) for status in waiting_first if status in ACTED_ON}
        decided = budget.part(COUNT_BUDGET * DECIDED_SHARE)
        counts.update({status: decided.count(of(status), state_cap(status))
                       for status in waiting_first if status not in ACTED_ON})
        return counts

    def totals(self, table, budget: Budget) -> dict:
        """"1–50 of 2,050" and the filtered lines' hours and quantities, over at most
        ``COUNT_CAP + 1`` lines (``kernel.counting.capped_sums``); past the cap the count says
        "10,000+" and no sums; past the page's time ``budget``, "many" and no sums."""
        rows = self.object_list.order_by().select_related(None).prefetch_related(None)
        counted = budget.run(lambda: capped_sums(rows, COUNT_CAP, *TOTALLED))
        page = getattr(table, "page", None)
        shown = len(page.object_list) if page else 0
        first = (page.number - 1) * table.paginator.per_page + 1 if shown else 0
        last = first + shown - 1 if shown else 0
        if counted is None:
            return {"first": first, "last": last, "count": "many", "capped": False, "uncounted": True, "sums": None,
                    "n": None}
        n, sums = counted
        return {
            "first": first, "last": last, "count": count_text(n), "capped": sums is None, "uncounted": False,
            "n": None if sums is None else n,  # the exact count, when it was within the cap
            "sums": None if sums is None else {name: total_text(value or Decimal(0)) for name, value in sums.items()},
        }

    def create_export(self, export_format):
        """The whole filtered list, read in chunks with each chunk's findings prefetched (one
        prefetch over 200,000 ids would pass SQLite's limit on query parameters)."""
        table = self.get_table(**self.get_table_kwargs())
        rows = list(table.data.data.iterator(chunk_size=EXPORT_CHUNK))  # the filtered, ordered queryset
        exporter = self.export_class(
            export_format=export_format, table=self.table_class(rows, exclude=table.exclude),
            exclude_columns=self.exclude_columns, dataset_kwargs=self.get_dataset_kwargs(),
        )
        return exporter.response(filename=self.get_export_filename(export_format))

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.filter_query = filter_query(self.request.GET)
        if not self.may("review"):
            table.exclude = ("pk",)
        return table


class TransactionDetailView(ObjectPermissionMixin, DetailView):
    """One line: the fields of its type, the mirror facts beside them, what was decided and what
    can still be done, its findings and its history."""

    model = Transaction
    template_name = "reviews/transaction_detail.html"
    context_object_name = "txn"

    def get_queryset(self):
        return super().get_queryset().select_related("device", "entered_by", "updated_by", "reviewed_by")

    def get_context_data(self, **kwargs):
        txn = self.object
        carried = self.request.GET.get("f", "")
        next_txn = next_in_queue(self.rows("view"), txn, carried, self.request)
        findings = list(txn.findings.all())
        has_error = any(f.severity == Severity.ERROR for f in findings)
        facts = mirror_facts(txn)
        entries = list(history(txn)[:100])
        decided = linepage.decision(
            txn, entries, may_review=self.may("review"), may_change=self.may("change"), has_error=has_error,
            may_override=self.may("approve_over_error"),
        )
        return super().get_context_data(
            page_title=f"Line {txn.pk}",
            facts=facts,
            findings=findings,
            has_error=has_error,
            history=entries,
            decision=decided,
            can_review=decided.may_approve or decided.may_reject,
            can_edit=self.may("change") and txn.status in lifecycle.TRANSITIONS["correct"].sources,
            may_override=self.may("approve_over_error"),
            next_url=_detail_url(next_txn, carried) if next_txn else None,
            queue_back=f"{reverse('reviews:transaction_list')}?{carried}" if carried else queue_url(),
            filter_query=carried,
            edit_url=_edit_url(txn, carried),
            here=_detail_url(txn, carried),
            fields=linepage.field_rows(txn, facts),
            audit_url=audit_url(txn) if self.may("view", AuditEntry) else "",
            single_keys=prefs.single_keys(self.request.user),
            **kwargs,
        )


class TransactionEditView(ObjectPermissionMixin, View):
    """Correct one line; the service re-checks it and refuses a stale version."""

    model = Transaction
    action = "change"
    template_name = "reviews/transaction_edit.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.carried = request.GET.get("f", "")

    def get(self, request, pk):
        self.txn = self.get_row(pk=pk)
        if self.txn.is_locked:
            return self.locked()
        return self.render(TransactionEditForm(instance=self.txn))

    def post(self, request, pk):
        self.txn = self.get_row(pk=pk)
        if self.txn.is_locked:
            return self.locked()
        return self.save()

    def locked(self):
        messages.error(self.request, "This line was exported and is locked: correct it in MAS with a reversing line.")
        return redirect(_detail_url(self.txn, self.carried))

    def save(self):
        request = self.request
        form = TransactionEditForm(request.POST, instance=Transaction.objects.get(pk=self.txn.pk))
        if not form.is_valid():
            return self.render(form)
        result = services.edit(
            self.txn, by=request.user, changes=form.changes(),
            expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"],
        )
        if not result.ok:
            form.add_error(None, result.refused)
            return self.render(form, conflict=result.conflict, status=409 if result.conflict else 400)
        if result.changes:
            fields = ", ".join(name.replace("_", " ") for name in result.changes if name != "status")
            findings = self.txn.findings.count()
            messages.success(request, f"Saved ({fields}) and re-checked: "
                                      f"{findings or 'no'} finding{'s' if findings != 1 else ''}.")
        else:
            messages.info(request, "Nothing changed.")
        return redirect(_detail_url(self.txn, self.carried))

    def render(self, form, *, conflict=False, status=200):
        context = {
            "page_title": f"Correct line {self.txn.pk}", "form": form, "txn": self.txn, "conflict": conflict,
            "facts": mirror_facts(self.txn), "findings": list(self.txn.findings.all()),
            "cancel_url": _detail_url(self.txn, self.carried),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)


def _moment(value: str):
    """The time a page was shown, as it sent it back; None when it is not one (then only the
    versions guard the decision)."""
    try:
        moment = parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. month 13
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class TransactionBulkDecisionView(ObjectPermissionMixin, View):
    """Approve or reject a selection, or every line that matches the queue's filter.

    Without ``_apply`` the confirmation page shows what will change and what will be skipped and
    why; with it, the service applies the decision in one transaction and the outcome is
    messaged. ``shown_at`` (when the queue was shown) or ``version`` (one line, from the detail
    page) make lines changed by someone else meanwhile be skipped, never overwritten.
    """

    model = Transaction
    action = "review"
    http_method_names = ["post"]
    decision = ""  # "approve" or "reject"
    service = None

    def post(self, request):
        post = request.POST
        scope = self.get_queryset()
        carried = post.get("_filter", "")
        back = self._back(post, carried)
        if post.get("_all"):
            filterset = TransactionFilterSet(QueryDict(carried), queryset=scope, request=request)
            if not filterset.is_valid():
                messages.error(request, "The filter is not valid any more; filter the queue again.")
                return HttpResponseRedirect(back)
            targets = filterset.qs
            if bulk.more_than(targets, bulk.SYNC_LIMIT):
                return self.as_job(targets, carried, back)
        else:
            pks = sorted({int(p) for p in post.getlist("pk") if p.isdigit()})
            targets = scope.filter(pk__in=pks) if pks else scope.none()
        txns = list(targets.order_by().only("id", "status", "version", "type", "work_order")[:BULK_LIMIT + 1])
        if len(txns) > BULK_LIMIT:
            messages.error(request, f"More than {BULK_LIMIT:,} lines were picked: use “all that match” for that many.")
            return HttpResponseRedirect(back)
        if not txns:
            messages.warning(request, "Nothing was selected.")
            return HttpResponseRedirect(back)
        version = post.get("version", "")
        if len(txns) == 1 and version.isdigit():
            txns[0].version = int(version)
        seen_at = _moment(post.get("shown_at", ""))

        form = DecisionForm(post if "_apply" in post else None, reason_required=self.decision == "reject")
        if "_apply" not in post or not form.is_valid():
            return self.confirm(txns, form, seen_at, back)
        with db.atomic():
            outcome = self.service(txns, by=request.user, reason=form.cleaned_data["reason"], seen_at=seen_at)
            self.recount(outcome.done)  # a line outside the user's reach now: a 403, and nothing written
        level = messages.SUCCESS if outcome.done else messages.WARNING
        messages.add_message(request, level, outcome.summary())
        return HttpResponseRedirect(back)

    def confirm(self, txns, form, seen_at, back):
        post = self.request.POST
        plan = services.preview(self.decision, txns, by=self.request.user, seen_at=seen_at)
        hidden = [(key, value) for key in ("_all", "_filter", "shown_at", "version", "next")
                  for value in post.getlist(key)]
        if not post.get("_all"):
            hidden += [("pk", str(t.pk)) for t in txns]
        verb = "Approve" if self.decision == "approve" else "Reject"
        notes = []
        if plan.over_error:
            notes.append(f"{len(plan.over_error)} of them have an error-level finding or undo a rejection: "
                         "they are approved only if you give a reason.")
        context = {
            "page_title": f"{verb} {len(plan.done)} line{'s' if len(plan.done) != 1 else ''}?",
            "action_label": verb, "action_done": "approved" if self.decision == "approve" else "rejected",
            "action_class": "success" if self.decision == "approve" else "danger",
            "selected": len(txns), "matching": bool(post.get("_all")), "will_change": len(plan.done),
            "skipped": plan.skipped_reasons(),
            "notes": notes, "form": form, "hidden": hidden, "cancel_url": back,
            "reason_required": self.decision == "reject" or bool(plan.over_error),
        }
        return TemplateResponse(self.request, "bulk_confirm.html", context)

    def as_job(self, targets, carried, back):
        """More lines match than one request decides at once: confirm with the counts (read a
        chunk at a time), then hand the decision to the cluster and show its progress page."""
        post, request = self.request.POST, self.request
        upto = int(post["upto"]) if post.get("upto", "").isdigit() else bulk.highest_id(targets)
        seen_at = _moment(post.get("shown_at", ""))
        form = DecisionForm(post if "_apply" in post else None, reason_required=self.decision == "reject")
        if "_apply" in post and form.is_valid():
            job = bulk.start(self.decision, by=request.user, filter_query=carried, seen_at=seen_at, upto=upto,
                             reason=form.cleaned_data["reason"])
            messages.info(request, f"{job.total:,} lines are being {self.done_word()} in the background.")
            return redirect("reviews:bulkdecision_detail", pk=job.pk)
        plan = bulk.preview(self.decision, targets, by=request.user, seen_at=seen_at, upto=upto)
        hidden = [(key, value) for key in ("_all", "_filter", "shown_at", "next") for value in post.getlist(key)]
        hidden.append(("upto", str(upto)))
        notes = [(f"More than {bulk.SYNC_LIMIT:,} lines: the decision runs in the background, a chunk of lines "
                  "at a time, and its page shows how far it got. Lines collected from now on are not touched.")]
        if plan.over_error:
            notes.append(f"{plan.over_error} of them have an error-level finding or undo a rejection: "
                         "they are approved only if you give a reason.")
        return self.confirm_page(plan.total, plan.done, plan.skipped_reasons(), notes, form, hidden, back,
                                 reason_required=self.decision == "reject" or bool(plan.over_error))

    def done_word(self) -> str:
        return "approved" if self.decision == "approve" else "rejected"

    def confirm_page(self, selected, will_change, skipped, notes, form, hidden, back, *, reason_required):
        verb = "Approve" if self.decision == "approve" else "Reject"
        context = {
            "page_title": f"{verb} {will_change:,} line{'s' if will_change != 1 else ''}?",
            "action_label": verb, "action_done": self.done_word(),
            "action_class": "success" if self.decision == "approve" else "danger",
            "selected": selected, "matching": bool(self.request.POST.get("_all")), "will_change": will_change,
            "skipped": skipped, "notes": notes, "form": form, "hidden": hidden, "cancel_url": back,
            "reason_required": reason_required,
        }
        return TemplateResponse(self.request, "bulk_confirm.html", context)

    def _back(self, post, carried) -> str:
        target = post.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return f"{reverse('reviews:transaction_list')}?{carried}" if carried else reverse("reviews:transaction_list")


class TransactionBulkApproveView(TransactionBulkDecisionView):
    decision = "approve"
    service = staticmethod(services.approve)


class TransactionBulkRejectView(TransactionBulkDecisionView):
    decision = "reject"
    service = staticmethod(services.reject)


class BulkDecisionDetailView(ObjectPermissionMixin, DetailView):
    """A bulk decision run as a job: how far it got (the page polls ``BulkDecisionStatusView``
    while it runs), what it skipped and why, what failed, and *Resume* for a job that stopped."""

    model = BulkDecision
    template_name = "reviews/bulkdecision_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return super().get_queryset().select_related("created_by")

    def get_context_data(self, **kwargs):
        job = self.object
        return super().get_context_data(
            page_title=str(job), progress=job_progress(job),
            may_resume=bulk.may_resume(job) and job.created_by_id == self.request.user.pk,
            queue_back=f"{reverse('reviews:transaction_list')}?{job.filter}" if job.filter else queue_url(),
            **kwargs,
        )


class BulkDecisionStatusView(ObjectPermissionMixin, View):
    """The job's progress as JSON, polled by its page."""

    model = BulkDecision

    def get(self, request, pk):
        return JsonResponse(job_progress(self.get_row(pk=pk)))


class BulkDecisionResumeView(ObjectPermissionMixin, View):
    """Take a failed or stopped job up again from its last committed chunk (its creator only)."""

    model = BulkDecision
    action = "review"
    http_method_names = ["post"]

    def post(self, request, pk):
        job = self.get_row(pk=pk)
        if bulk.resume(job, by=request.user):
            messages.info(request, f"{job} goes on from line #{job.cursor}.")
        else:
            messages.warning(request, f"{job} is not stopped: nothing to resume.")
        return redirect("reviews:bulkdecision_detail", pk=job.pk)


def job_progress(job: BulkDecision) -> dict:
    """What the progress page and its poll show."""
    return {
        "id": job.pk, "state": job.state, "state_display": job.get_state_display(), "finished": job.is_finished,
        "total": job.total, "done": job.done, "skipped": job.skipped, "seen": min(job.seen, job.total),
        "percent": 100 if job.is_finished and job.state == "finished" else (
            int(100 * min(job.seen, job.total) / job.total) if job.total else 0),
        "skipped_by_reason": [{"key": key, "words": words, "n": n}
                              for key, words, n in bulk.skipped_reasons(job.skipped_by_reason)],
        "summary": bulk.summary(job), "error": job.error, "stopped": bulk.stopped(job) if not job.is_finished else "",
    }


# --- helpers ----------------------------------------------------------------------------------
mirror_facts = linepage.mirror_facts


def audit_url(txn: Transaction) -> str:
    """The audit list filtered to this line's rows."""
    kind = ContentType.objects.get_for_model(Transaction).pk
    return f"{reverse('audit:auditentry_list')}?{urlencode({'content_type': kind, 'object_id': txn.pk})}"


def next_in_queue(queryset, txn: Transaction, carried: str, request):
    """The line after this one in the queue's order, within the queue's filter when carried."""
    if carried:
        filterset = TransactionFilterSet(QueryDict(carried), queryset=queryset, request=request)
        queryset = filterset.qs if filterset.is_valid() else queryset
    else:
        queryset = queryset.filter(status__in=TO_REVIEW)
    after = Q(collected_at__lt=txn.collected_at) | Q(collected_at=txn.collected_at, pk__lt=txn.pk)
    return queryset.filter(after).exclude(pk=txn.pk).order_by("-collected_at", "-id").only("id").first()


def _detail_url(txn, carried: str) -> str:
    url = reverse("reviews:transaction_detail", args=[txn.pk])
    return f"{url}?f={_quote(carried)}" if carried else url


def _edit_url(txn, carried: str) -> str:
    url = reverse("reviews:transaction_edit", args=[txn.pk])
    return f"{url}?f={_quote(carried)}" if carried else url


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
