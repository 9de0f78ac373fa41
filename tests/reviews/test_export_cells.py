"""The queue's CSV/XLSX export must not hand a spreadsheet a formula collected from the floor."""
from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db
LIST = reverse("reviews:transaction_list")
# What a handheld may push (intake keeps any plain text up to the field's length).
ITEM = "=HYPERLINK(\"//x.io\",\"a\")"
EMPLOYEE = "@SUM(1+1)"


def _lines():
    TransactionFactory(type="material_issue", step="", employee="", hours=None, item_code=ITEM, warehouse="000",
                       quantity="1")
    TransactionFactory(employee=EMPLOYEE)


def test_the_csv_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(client, accountant):
    _lines()
    client.force_login(accountant)

    body = client.get(LIST, {"_export": "csv"}).content.decode()

    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert ITEM in "".join(cells) and EMPLOYEE in "".join(cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")], "formula cells in the CSV"


def test_the_xlsx_export_writes_no_formula_cells(client, accountant):
    from openpyxl import load_workbook

    _lines()
    client.force_login(accountant)

    response = client.get(LIST, {"_export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    formulas = [cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == [], f"the workbook runs {formulas}"
