"""The timesheet pages: the days of a filter (one row per person, crew or work order and day) and
one day's lines; approve or reject whole days through ``reviews.services``."""
from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.db import transaction as db
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views import View
from django.views.generic import TemplateView

from kernel.mixins import ObjectPermissionMixin
from reviews import services
from reviews.forms import DecisionForm
from reviews.timesheet import DAYS_PER_PAGE, GROUPS, SUMMARY_FIELDS, TIMELINE_GROUPS, TO_REVIEW, day_keys, read_days
from reviews.views import BULK_LIMIT, _moment  # the queue's limit on lines one request decides; its reading of shown_at
from transactions.models import Transaction

MAX_DAYS = 31  # days one filter may span


def _day(value: str, default: date) -> date:
    try:
        return parse_date(value or "") or default
    except ValueError:
        return default


class TimesheetFilter:
    """The page's filter, read from GET or from a decision's carried querystring; never a 500."""

    def __init__(self, params: QueryDict):
        today = timezone.localdate()
        self.kind = params.get("group", "employee")
        if self.kind not in GROUPS:
            self.kind = "employee"
        self.first = _day(params.get("day_from", "") or params.get("day", ""), today)
        self.last = _day(params.get("day_to", "") or params.get("day", ""), self.first)
        if self.last < self.first:
            self.first, self.last = self.last, self.first
        self.last = min(self.last, self.first + timedelta(days=MAX_DAYS - 1))
        self.key = (params.get("key", "") or "").strip().upper()[:10]
        self.show = params.get("show", "to_review")
        if self.show not in ("to_review", "all"):
            self.show = "to_review"

    def query(self, **overrides) -> str:
        query = QueryDict(mutable=True)
        values = {"group": self.kind, "day_from": self.first.isoformat(), "day_to": self.last.isoformat(),
                  "show": self.show, "key": self.key, **overrides}
        for name, value in values.items():
            if value:
                query[name] = value
        return query.urlencode()

    def days(self, rows):
        days = read_days(rows, self.kind, self.first, self.last, key=self.key)
        if self.show == "to_review":
            days = [d for d in days if d.to_review]
        return days

    def page(self, rows, number: int) -> tuple[list, int, int]:
        """One page of the list of days: (days, how many days in all, the page's first index).

        The (group, day) pairs are counted and paged in the database; only the lines of the
        page's days are read."""
        # All pairs in one query (at most groups × 31 days, small): a count and a slice would each
        # turn every line's time into its plant day.
        pairs = list(day_keys(rows, self.kind, self.first, self.last, key=self.key, to_review=self.show == "to_review"))
        total = len(pairs)
        start = max(0, min(number - 1, (total - 1) // DAYS_PER_PAGE)) * DAYS_PER_PAGE if total else 0
        wanted = pairs[start:start + DAYS_PER_PAGE]
        if not wanted:
            return [], total, start
        days = read_days(rows, self.kind, min(d for _, d in wanted), max(d for _, d in wanted), key=self.key,
                         only=wanted, fields=SUMMARY_FIELDS)
        return days, total, start


class TimesheetView(ObjectPermissionMixin, TemplateView):
    """The days of the filter, or, with ``key`` and one day, that day's lines in time order."""

    model = Transaction
    action = "review"

    def get_template_names(self):
        return ["reviews/timesheet_day.html" if self.single else "reviews/timesheet.html"]

    def get(self, request, *args, **kwargs):
        self.filter = TimesheetFilter(request.GET)
        self.single = bool(self.filter.key) and self.filter.first == self.filter.last
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        f = self.filter
        context = super().get_context_data(**kwargs)
        if self.single:
            days = read_days(self.get_queryset(), f.kind, f.first, f.last, key=f.key)
        else:
            number = self.request.GET.get("page", "")
            days, total, start = f.page(self.get_queryset(), int(number) if number.isdigit() else 1)
            here = f"{reverse('reviews:timesheet')}?{f.query()}"
            context.update(
                total_days=total, first_shown=start + 1, last_shown=start + len(days),
                previous_page=f"{here}&page={start // DAYS_PER_PAGE}" if start else "",
                next_page=f"{here}&page={start // DAYS_PER_PAGE + 2}" if start + len(days) < total else "",
            )
        one = f.first + timedelta(days=1), f.first - timedelta(days=1)
        context.update(
            f=f, days=days, groups=[(k, label) for k, (_, label) in GROUPS.items()],
            group_label=GROUPS[f.kind][1], timeline=f.kind in TIMELINE_GROUPS,
            filter_query=f.query(), shown_at=timezone.now().isoformat(),
            decide_approve=reverse("reviews:timesheet_approve"), decide_reject=reverse("reviews:timesheet_reject"),
            here=f"{reverse('reviews:timesheet')}?{f.query()}",
            page_title="Timesheets",
        )
        if self.single:
            day = days[0] if days else None
            context.update(
                day=day, next_day_url=f"?{f.query(day_from=one[0].isoformat(), day_to=one[0].isoformat())}",
                previous_day_url=f"?{f.query(day_from=one[1].isoformat(), day_to=one[1].isoformat())}",
                back_url=f"?{f.query(key='')}",
                page_title=f"Timesheet {f.key} {f.first.isoformat()}",
            )
        return context


class TimesheetDecisionView(ObjectPermissionMixin, View):
    """Approve or reject whole days: the ticked days (``day`` = "key|YYYY-MM-DD"), or every day
    of the carried filter (``_all``). The lines waiting for review on those days go to the review
    service (compare-and-set, skips, one audit row per line); lines already decided stay as they
    are, and lines that arrived or changed after the page was shown (``shown_at``) are skipped."""

    model = Transaction
    action = "review"
    http_method_names = ("post",)
    decision = ""
    service = None

    def post(self, request):
        post = request.POST
        carried = post.get("_filter", "")
        f = TimesheetFilter(QueryDict(carried))
        back = f"{reverse('reviews:timesheet')}?{post.get('_back') or carried}"
        days = f.days(self.get_queryset())
        if not post.get("_all"):
            wanted = set(post.getlist("day"))
            days = [d for d in days if d.token in wanted]
        seen_at = _moment(post.get("shown_at", ""))
        ids = [line.pk for d in days for line in d.lines if line.status in TO_REVIEW]
        late = 0
        if seen_at is not None:
            arrived = {line.pk for d in days for line in d.lines if line.received_at > seen_at}
            late = len([pk for pk in ids if pk in arrived])
            ids = [pk for pk in ids if pk not in arrived]
        if not ids:
            messages.warning(request, "No line waiting for review on the chosen days.")
            return HttpResponseRedirect(back)
        if len(ids) > BULK_LIMIT:
            messages.error(request, f"More than {BULK_LIMIT:,} lines match: narrow the filter and try again.")
            return HttpResponseRedirect(back)
        # As the queue's bulk decision reads them; a line changed since the page was shown is
        # told apart by ``seen_at`` in the service, and skipped.
        txns = list(Transaction.objects.filter(pk__in=ids).order_by("pk")
                    .only("id", "status", "version", "type", "work_order"))
        form = DecisionForm(post, reason_required=self.decision == "reject")
        if not form.is_valid():
            messages.error(request, "A reason is required to reject.")
            return HttpResponseRedirect(back)
        with db.atomic():
            outcome = self.service(txns, by=request.user, reason=form.cleaned_data["reason"], seen_at=seen_at)
            self.recount(outcome.done)
        text = f"{len(days)} day{'s' if len(days) != 1 else ''}: " + outcome.summary()
        if late:
            text += f" {late} line{'s' if late != 1 else ''} arrived after the page was shown: left for review."
        messages.add_message(request, messages.SUCCESS if outcome.done else messages.WARNING, text)
        return HttpResponseRedirect(back)


class TimesheetApproveView(TimesheetDecisionView):
    decision = "approve"
    service = staticmethod(services.approve)


class TimesheetRejectView(TimesheetDecisionView):
    decision = "reject"
    service = staticmethod(services.reject)
