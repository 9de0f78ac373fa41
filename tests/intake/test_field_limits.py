"""A collected field's limits are the model's: the device API's OpenAPI document, the reader of
collected lines and the desktop form read them from ``Transaction._meta`` (transactions.field_limits)."""
from __future__ import annotations

import pytest
from django.db import models
from django.test.utils import isolate_apps

from intake import parsing
from intake.forms import DirectEntryForm
from transactions.field_limits import collected_field_limits
from transactions.models import FIELDS, Transaction
from tests.intake.conftest import labor

OPENAPI = "/api/sync/v1/openapi.json"


def model_field(name: str):
    return Transaction._meta.get_field(name)


def line_schema(client) -> dict:
    document = client.get(OPENAPI).json()
    body = document["paths"]["/api/sync/v1/transactions"]["post"]["requestBody"]["content"]["application/json"]
    return body["schema"]["properties"]["transactions"]["items"]["properties"]


def _plain(schema: dict) -> dict:
    """The non-null branch of an optional field's schema."""
    return next(branch for branch in schema["anyOf"] if branch.get("type") != "null")


@pytest.mark.django_db
def test_the_documents_text_limits_are_the_models_max_lengths(client):
    properties = line_schema(client)
    texts = [name for name in FIELDS if isinstance(model_field(name), models.CharField)]

    assert len(texts) == 8
    for name in texts:
        assert _plain(properties[name])["maxLength"] == model_field(name).max_length, name


@pytest.mark.django_db
def test_the_documents_decimal_bounds_are_the_models_digits_and_places(client):
    properties = line_schema(client)
    decimals = [name for name in FIELDS if isinstance(model_field(name), models.DecimalField)]

    assert len(decimals) == 5
    for name in decimals:
        field, schema = model_field(name), properties[name]
        bound = 10 ** (field.max_digits - field.decimal_places)
        assert (_plain(schema)["exclusiveMinimum"], _plain(schema)["exclusiveMaximum"]) == (-bound, bound), name
        assert f"At most {field.decimal_places} decimal places" in schema["description"], name


def test_the_reader_and_the_form_take_the_same_limits():
    limits = collected_field_limits()

    assert parsing.TEXT_FIELDS == limits.text == {
        name: model_field(name).max_length for name in FIELDS if isinstance(model_field(name), models.CharField)
    }
    assert parsing.DECIMAL_FIELDS == limits.decimal
    assert limits.decimal["hours"] == (model_field("hours").max_digits, model_field("hours").decimal_places)
    assert set(limits.text) | set(limits.decimal) | set(limits.datetime) | set(limits.boolean) == set(FIELDS)
    form = DirectEntryForm(txn_type="material_issue")
    assert form.fields["item_code"].widget.attrs["maxlength"] == model_field("item_code").max_length


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["step", "comment"])
def test_the_reader_refuses_one_character_past_the_models_length(push, mirror, name):
    width = model_field(name).max_length

    fits, past = push({"transactions": [labor(**{name: "1" * width}), labor(**{name: "1" * (width + 1)})]}).json()[
        "results"
    ]

    assert fits["status"] == "accepted"
    assert past["status"] == "invalid" and past["errors"] == {name: f"At most {width} characters."}


@isolate_apps("reviews")
def test_a_model_with_other_limits_gives_other_limits():
    class Wider(models.Model):
        """Transaction's collected fields with every limit doubled (in an app registry of its own)."""

        class Meta:
            app_label = "reviews"

    for name in FIELDS:
        field = model_field(name).clone()
        for attr in ("max_length", "max_digits", "decimal_places"):
            if getattr(field, attr, None):
                setattr(field, attr, getattr(field, attr) * 2)
        field.contribute_to_class(Wider, name)

    wider = collected_field_limits(Wider)

    assert wider.text["comment"] == 2 * model_field("comment").max_length
    assert wider.decimal["amount"] == (28, 4)


@pytest.mark.django_db
@pytest.mark.parametrize("hours, error", [
    ("1e999999999", "Too large: at most 6 digits before the decimal point."),
    ("-1e999999999", "Too large: at most 6 digits before the decimal point."),
    ("1e-999999999", "At most 3 decimal places."),
    (1e308, "Too large: at most 6 digits before the decimal point."),
])
def test_a_number_past_the_decimal_contexts_range_is_an_invalid_line_not_a_failed_push(push, mirror, hours, error):
    """"1e999999999" overflowed Python's decimal context in the bounds check: the whole push,
    its good lines with it, answered 500."""
    good, odd = push({"transactions": [labor(), labor(hours=hours)]}).json()["results"]

    assert good["status"] == "accepted"
    assert odd["status"] == "invalid" and odd["errors"] == {"hours": error}
