"""Reading stored items back: a report reads every item of the project (100,000 at scale),
so what each one costs counts.

A stored document is validated by WorkItem's own schema less its two checks written in
Python, `_spikes_are_timeboxed` and `_claims_parse`. Both only refuse a value (they return
it unchanged), and every document passed them on its way in: `save_items` stores
`stored_json` of a valid WorkItem. Each costs a call into Python per item, together 15% of
the validation (100,000 items: 0.12 s of 0.8 s). Everything else is validated as before
(types, enums, the id pattern, lengths, the nested time-box and origin) into the same
WorkItem objects; only a row written around the store (a hand edit) that breaks one of the
two rules now reads back instead of stopping the report.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic_core import SchemaValidator

from tracker_bridge.model import WorkItem


def _passed_on_save() -> tuple[object, ...]:
    """The checks that refuse and never change a value: a stored document passed them."""
    return (WorkItem._spikes_are_timeboxed, WorkItem._claims_parse)


@cache
def stored_item_validator() -> SchemaValidator:
    """WorkItem's validator for documents the store wrote (see the module's docstring):
    `validate_json(text)` and `validate_python(data)` give WorkItems."""
    skipped = _passed_on_save()
    found: list[object] = []

    def without_checks(schema: Any) -> Any:
        if isinstance(schema, dict):
            function = schema.get("function")
            if schema.get("type") == "function-after" and isinstance(function, dict) and (
                function.get("function") in skipped
            ):
                found.append(function["function"])
                return without_checks(schema["schema"])
            return {key: without_checks(value) for key, value in schema.items()}
        if isinstance(schema, list):
            return [without_checks(value) for value in schema]
        return schema

    schema = without_checks(WorkItem.__pydantic_core_schema__)
    if len(found) != len(skipped):  # a check renamed or reshaped: fail here, not silently
        raise RuntimeError(f"stored items: expected to skip {skipped}, found {found}")
    return SchemaValidator(schema)
