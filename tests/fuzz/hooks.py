"""The fuzzer's one custom check (loaded by schemathesis through SCHEMATHESIS_HOOKS=tests.fuzz.hooks).

"Valid data should have been accepted", except where the refusal is made only of the rule errors
the operation documents in `x-rule-errors`: a rule no schema can state (an inactive vendor, a taken
code, the PO's current status or version). Every other refusal of a request the document admits
still fails the run, as schemathesis's own positive_data_acceptance (switched off in
schemathesis.toml in favour of this one) would fail it.
"""
from __future__ import annotations

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance


def _at(pointer: str, pattern: str) -> bool:
    """Whether a JSON pointer is the one a rule names, `*` standing for any one segment (an index, a key)."""
    given, wanted = pointer.split("/"), pattern.split("/")
    return len(given) == len(wanted) and all(w in ("*", g) for g, w in zip(given, wanted))


def refused_for_a_rule(case, response) -> bool:
    """Whether a refusal consists only of the rule errors the operation documents."""
    if response.status_code not in (400, 412, 422):
        return False
    rules = case.operation.definition.raw.get("x-rule-errors", [])
    try:
        errors = response.json()["errors"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(errors) and all(
        any(rule["code"] == error.get("code") and ("pointer" not in rule or _at(error.get("pointer") or "", rule["pointer"]))
            for rule in rules)
        for error in errors)


@schemathesis.check
def valid_data_accepted_but_for_rules(ctx, response, case):
    """positive_data_acceptance, but for refusals the operation documents as rules."""
    if refused_for_a_rule(case, response):
        return None
    return positive_data_acceptance(ctx, response, case)
