"""factory-boy factories shared by the tests."""
from __future__ import annotations

import uuid
from decimal import Decimal

import factory
from django.utils import timezone
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


# --- the mirror of MAS master data -------------------------------------------------------
class MirrorFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    last_changed_at = factory.LazyFunction(timezone.now)


class WarehouseFactory(MirrorFactory):
    class Meta:
        model = "mas.Warehouse"
        django_get_or_create = ("code",)

    code = "000"
    description = "Main warehouse"


class WorkCenterFactory(MirrorFactory):
    class Meta:
        model = "mas.WorkCenter"
        django_get_or_create = ("code",)

    code = "ASM"
    description = "Assembly"


class ItemFactory(MirrorFactory):
    class Meta:
        model = "mas.Item"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PART-{n:04d}")
    description = factory.Faker("catch_phrase")
    item_type = "1"
    standard_unit_cost = Decimal("2.5000")


class WorkOrderFactory(MirrorFactory):
    class Meta:
        model = "mas.WorkOrder"
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{1000 + n:07d}")
    status = "O"
    item_code = "ASSY-100"
    item_description = "Bracket assembly"
    qty_ordered = Decimal("100")
    parent_warehouse = "000"


class WorkOrderStepFactory(MirrorFactory):
    class Meta:
        model = "mas.WorkOrderStep"
        django_get_or_create = ("work_order", "step")

    work_order = factory.LazyAttribute(lambda o: WorkOrderFactory().number)
    step = "0010"
    work_center = "ASM"
    operation_code = "ASSY"
    description = "Assemble"


class MaterialLineFactory(MirrorFactory):
    class Meta:
        model = "mas.MaterialLine"
        django_get_or_create = ("work_order", "line_key")

    work_order = factory.LazyAttribute(lambda o: WorkOrderFactory().number)
    line_key = factory.Sequence(lambda n: f"{n + 1:06d}")
    step = "0010"
    item_code = factory.LazyAttribute(lambda o: ItemFactory().code)
    warehouse = "000"
    qty_required = Decimal("10")


class EmployeeFactory(MirrorFactory):
    class Meta:
        model = "mas.Employee"
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{n + 1:07d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    hourly_rate = Decimal("24.5000")


class CrewFactory(MirrorFactory):
    class Meta:
        model = "mas.Crew"
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"C{n + 1:03d}")
    description = "Weld crew"


# --- collected transactions ---------------------------------------------------------------
class TransactionFactory(factory.django.DjangoModelFactory):
    """A labor line by default; pass type= and the fields of that type for others."""

    class Meta:
        model = "transactions.Transaction"

    client_txn_id = factory.LazyFunction(uuid.uuid4)
    type = "labor"
    status = "needs_review"
    source = "device"
    collected_at = factory.LazyFunction(timezone.now)
    content_hash = factory.LazyFunction(lambda: uuid.uuid4().hex)
    work_order = "0001001"
    step = "0010"
    employee = "0000001"
    hours = Decimal("2.000")
