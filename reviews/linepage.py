"""One line's page: the fields of its type (PRODUCT.md §4), the mirror facts beside them, what was
decided and what can still be done (``transactions.lifecycle``'s table says which moves a state allows)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kernel.display import number_text, plant_datetime, value_text
from mas import models as mirror
from mas import names
from transactions.lifecycle import TRANSITIONS
from transactions.models import TIMED_TYPES, TYPE_FIELDS, Transaction, TransactionStatus

S = TransactionStatus
LABELS = {
    "work_order": "Work order", "step": "Step", "employee": "Employee", "crew": "Crew", "start": "Start",
    "stop": "Stop", "hours": "Hours", "qty_completed": "Qty completed", "step_complete": "Step complete",
    "item_code": "Item", "warehouse": "Warehouse", "quantity": "Quantity", "lot_serial": "Lot / serial",
    "qty_scrapped": "Qty scrapped", "close_order": "Close order", "amount": "Amount", "comment": "Comment",
}
# The order a person reads a line of each kind in: who and where first, then how much.
ORDER = ("work_order", "step", "employee", "crew", "item_code", "warehouse", "hours", "start", "stop",
         "quantity", "qty_completed", "qty_scrapped", "step_complete", "close_order", "lot_serial", "amount",
         "comment")


@dataclass
class Row:
    name: str
    label: str
    value: str  # "" when not given
    required: bool
    fact: str = ""  # what the mirror says beside it
    problem: str = ""  # what the mirror does not know, in red


def type_fields(txn_type: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) fields of a type; every field for a type the portal does not know."""
    spec = TYPE_FIELDS.get(txn_type)
    if spec is None:
        return ("work_order",), tuple(name for name in ORDER if name != "work_order")
    optional = tuple(dict.fromkeys((*spec["optional"], "comment")))
    return spec["required"], optional


shown = value_text  # a field's value as the line page shows it


def num(value) -> str:
    return number_text(value) if value is not None else ""


def field_rows(txn: Transaction, facts: dict) -> list[Row]:
    """The fields of the line's type: the required ones always (a missing one says so), the
    optional ones when given. Never a field the type does not have."""
    required, optional = type_fields(txn.type)
    rows = []
    for name in ORDER:
        if name not in required and name not in optional:
            continue
        value = getattr(txn, name)
        if name not in required and (value is None or value == ""):
            continue
        row = Row(name, LABELS[name], shown(value), name in required)
        row.fact, row.problem = _fact(name, txn, facts)
        rows.append(row)
    if txn.type in TIMED_TYPES and txn.hours is None and txn.start and txn.stop:
        hours = Decimal((txn.stop - txn.start).total_seconds()) / 3600
        rows.insert(next(i for i, r in enumerate(rows) if r.name == "start"),
                    Row("hours", "Hours", f"{number_text(hours.quantize(Decimal('0.001')))} (from start and stop)", False))
    return rows


def _fact(name: str, txn: Transaction, facts: dict) -> tuple[str, str]:
    value = getattr(txn, name)
    wo, step = facts.get("work_order"), facts.get("step")
    if name == "work_order":
        if wo is None:
            return "", "not in the mirror" if value else ""
        parts = [f"{wo.item_code} {wo.item_description}".strip(), wo.status_label or "no status"]
        if wo.on_hold:
            parts.append("on hold")
        parts.append(f"remaining {num(wo.qty_remaining)} of {num(wo.qty_ordered)}")
        if wo.due_date:
            parts.append(f"due {wo.due_date:%Y-%m-%d}")
        return " · ".join(p for p in parts if p), ("closed" if wo.is_closed else "") + (" · no longer in MAS" if not wo.active else "")
    if name == "step":
        if step is None:
            return "", f"not a step of work order {txn.work_order}" if value else ""
        center = facts.get("work_center")
        parts = [step.description or "(no description)",
                 f"work center {step.work_center}{' ' + center.description if center else ''}"]
        if wo is not None:
            parts.append(f"done {num(step.qty_completed)}, remaining {num(wo.qty_ordered - step.qty_completed)}")
        if step.std_run_time:
            parts.append(f"standard {num(step.std_run_time)} h a unit, {num(step.actual_run_time)} h so far")
        return " · ".join(parts), "step complete in MAS" if step.step_complete else ""
    if name == "employee":
        e = facts.get("employee")
        if e is None:
            return "", "unknown employee" if value else ""
        said = f"{e.first_name} {e.last_name}".strip() + (f" · department {e.department}" if e.department else "")
        return said, "inactive" if e.mas_inactive or not e.active else ""
    if name == "crew":
        crew = facts.get("crew")
        if crew is None:
            return "", "unknown crew" if value else ""
        members = facts.get("crew_members", [])
        return f"{crew.description} · {len(members)} member{'s' if len(members) != 1 else ''}" + (
            f": {', '.join(members[:6])}{'…' if len(members) > 6 else ''}" if members else ""), ""
    if name == "item_code":
        item = facts.get("item")
        if item is None:
            return "", "unknown item" if value else ""
        said = item.description
        material = facts.get("material")
        if material is not None:
            said += f" · on the order: required {num(material[0])}, issued {num(material[1])}"
        elif wo is not None:
            return said, f"not on the bill of work order {txn.work_order}"
        return said, "inactive in MAS" if item.mas_inactive or not item.active else ""
    if name == "warehouse":
        wh = facts.get("warehouse")
        if wh is None:
            return "", "unknown warehouse" if value else ""
        said = wh.description
        if facts.get("on_hand") is not None:
            said += f" · on hand {num(facts['on_hand'])}"
        return said, ""
    if name in ("quantity", "qty_completed") and wo is not None and txn.type == "completion":
        return f"the order's item {wo.item_code}", ""
    return "", ""


def mirror_facts(txn: Transaction) -> dict:
    """What the mirror knows about the keys on the line (one query per key, by its unique key)."""
    required, optional = type_fields(txn.type)
    has = set(required) | set(optional)
    get = lambda model, **key: model.objects.filter(**key).first()
    facts: dict = {"work_order": get(mirror.WorkOrder, number=txn.work_order) if txn.work_order else None}
    wo = facts["work_order"]
    facts["step"] = get(mirror.WorkOrderStep, work_order=txn.work_order, step=txn.step) if "step" in has and txn.step else None
    facts["work_center"] = (get(mirror.WorkCenter, code=facts["step"].work_center)
                            if facts["step"] and facts["step"].work_center else None)
    facts["employee"] = get(mirror.Employee, number=txn.employee) if "employee" in has and txn.employee else None
    facts["crew"] = get(mirror.Crew, number=txn.crew) if "crew" in has and txn.crew else None
    if facts["crew"]:
        numbers = list(mirror.CrewMember.objects.filter(crew=txn.crew, active=True).values_list("employee", flat=True)[:50])
        members = names.employees(numbers)
        facts["crew_members"] = [members.get(n) or n for n in numbers]
    facts["item"] = get(mirror.Item, code=txn.item_code) if "item_code" in has and txn.item_code else None
    warehouse = txn.warehouse or (wo.parent_warehouse if wo and txn.type == "completion" else "")
    facts["warehouse"] = get(mirror.Warehouse, code=warehouse) if "warehouse" in has and warehouse else None
    facts["default_warehouse"] = warehouse if warehouse != txn.warehouse else ""
    item_code = txn.item_code if "item_code" in has else (wo.item_code if wo and txn.type == "completion" else "")
    if item_code and warehouse:
        stock = get(mirror.ItemWarehouse, item_code=item_code, warehouse_code=warehouse)
        facts["on_hand"] = stock.quantity_on_hand if stock else None
    if txn.type == "material_issue" and txn.item_code and wo is not None:
        lines = list(mirror.MaterialLine.objects.filter(work_order=txn.work_order, item_code=txn.item_code, active=True)
                     .values_list("qty_required", "qty_issued"))
        if lines:
            facts["material"] = (sum(r for r, _ in lines), sum(i for _, i in lines))
    return facts


# --- what was decided, and what can still be done -------------------------------------------------
@dataclass
class Decision:
    state: str
    who: str = ""
    when: str = ""
    why: str = ""
    batch: str = ""
    can: list[str] = field(default_factory=list)  # what can still be done, in words
    may_approve: bool = False
    may_reject: bool = False
    approve_needs_reason: bool = False
    approve_blocked: bool = False  # an error-level finding, and no permission to approve over it


def decision(txn: Transaction, history, *, may_review: bool, may_change: bool, has_error: bool,
             may_override: bool) -> Decision:
    """The line's decision as stored (never inferred) and the moves its state still allows."""
    said = Decision(txn.get_status_display())
    if txn.status in (S.APPROVED, S.REJECTED, S.EXPORTED) and (txn.reviewed_at or txn.decision_source):
        if txn.reviewed_by_id:
            said.who = txn.reviewed_by.get_full_name() or txn.reviewed_by.get_username()
        elif txn.decision_source:
            said.who = txn.get_decision_source_display()
        else:
            said.who = "the portal"
        said.when = plant_datetime(txn.reviewed_at) if txn.reviewed_at else ""
        said.why = txn.review_reason
    if txn.status == S.EXPORTED:
        for entry in history:
            batch = (entry.changes or {}).get("batch")
            if batch and batch[1]:
                said.batch = str(batch[1])
                break
    said.may_approve = may_review and txn.status in TRANSITIONS["approve"].sources
    said.approve_blocked = has_error and not may_override
    said.may_reject = may_review and txn.status in TRANSITIONS["reject"].sources
    said.approve_needs_reason = has_error or txn.status == S.REJECTED
    may_correct = may_change and txn.status in TRANSITIONS["correct"].sources
    if txn.status == S.APPROVED:
        said.can.append("It goes to MAS with the next export batch.")
        if said.may_reject:
            said.can.append("Reject it, with a reason, to keep it out of the batch.")
    elif txn.status == S.REJECTED:
        said.can.append("It will not go to MAS.")
        if said.may_approve and not said.approve_blocked:
            said.can.append("Approve it after all, with a reason.")
    elif txn.status == S.EXPORTED:
        said.can.append(f"It was sent to MAS{' in batch ' + said.batch if said.batch else ''} and is locked here: "
                        "a correction is a reversing line, as in MAS.")
    if may_correct and txn.status in (S.APPROVED, S.REJECTED):
        said.can.append("Correct it: the change is re-checked and the line waits for review again.")
    if txn.status in (S.NEEDS_REVIEW, S.FLAGGED) and has_error and may_review and not may_override:
        said.can.append("Approving over an error-level finding needs the “approve over error” permission: "
                        "correct the line, or reject it.")
    return said

