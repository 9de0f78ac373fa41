"""Generic views the apps build their pages on (STYLE.md: NetBox-style list pages)."""
from __future__ import annotations

from django_filters.views import FilterView
from django_tables2 import LazyPaginator, SingleTableMixin
from django_tables2.export import ExportMixin

from kernel.export import SpreadsheetSafeExport
from kernel.mixins import PermissionRequiredMixin
from kernel.paging import BadListParameter, ListParametersMixin, ListRequestConfig


class ObjectListView(PermissionRequiredMixin, ListParametersMixin, ExportMixin, SingleTableMixin, FilterView):
    """A filterable, sortable, exportable list that costs no ``COUNT(*)`` per page.

    Subclasses set ``permission_required``, ``table_class``, ``filterset_class`` and
    ``get_queryset`` (restricted to what the user may see); never ``table_data``, which
    would bypass the filter. Paging parameters are read by ``kernel.paging``; an
    ``_export`` other than the formats offered answers 400.
    """

    template_name = "object_list.html"
    paginate_by = 50
    table_pagination = {"paginator_class": LazyPaginator}
    export_formats = ("csv", "xlsx")
    export_class = SpreadsheetSafeExport
    page_title = ""

    def check_parameters(self, params):
        export_format = params.get(self.export_trigger_param, "")
        if export_format and export_format not in self.export_formats:
            offered = " or ".join(f.upper() for f in self.export_formats)
            raise BadListParameter(f"{self.export_trigger_param}: this list exports as {offered} only.")

    def get_table(self, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        return ListRequestConfig(self.request, paginate=self.get_table_pagination(table)).configure(table)

    def paginate_queryset(self, queryset, page_size):
        """The table pages itself, lazily; Django's own paginator (which counts) is skipped."""
        return None, None, queryset, False

    def get_export_filename(self, export_format):
        return f"{self.export_name}.{export_format}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=self.page_title, export_formats=self.export_formats, **kwargs)
