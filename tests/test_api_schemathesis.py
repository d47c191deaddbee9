"""Schemathesis against /api/v1/schema/ (issue 15): a bounded number of generated requests per operation, with a
valid key of a Bạch Đằng coordinator allowed to write everywhere, must give no server error and conform to the
schema (status codes, content types, response bodies). Then a few invalid requests an operation (schemathesis's
negative mode): never a server error. Deterministic (derandomized): 5 + 2 examples an operation."""

import datetime
import json
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pcmd.api import tokens
from pcmd.api.docs_views import build_schema
from pcmd.api.models import API_MODULES, ApiToken
from pcmd.org.models import Role

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 5
NEGATIVE_EXAMPLES = 2  # invalid data (wrong types, missing fields…): only "never a server error" is checked


def fuzz(operation, mode, count, checks, label, app, headers, failures):
    """The hypothesis test of one operation in one generation mode (a factory, so each binds its own values)."""

    @settings(max_examples=count, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(app=app, headers=headers)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except AssertionError as exc:
            failures.append(f"{label}: {str(exc)[:600]}")
            raise

    return run


def test_schema_fuzzing_finds_no_server_error_and_no_violation(member_factory, bach_dang):
    user = member_factory("api.fuzz", bach_dang, Role.COORDINATOR, "phong-vhxh")
    membership = user.memberships.get()
    offered = {code: writes for code, _label, writes in tokens.module_choices(membership)}
    token, secret = tokens.token_create(
        membership=membership, name="Schemathesis", units=[],
        modules={code: ("write" if writes else "read") for code, writes in offered.items() if code in API_MODULES},
        expires_on=timezone.localdate() + datetime.timedelta(days=30))
    ApiToken.objects.filter(pk=token.pk).update(rate_per_minute=1_000_000)
    cache.clear()
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(build_schema(), default=str)))
    app = WSGIHandler()
    # As Django's test client does: the test's transaction holds the connection, so no request may close it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        failures, operations = run_all(schema, app, secret)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    if failures:
        Path("var").mkdir(exist_ok=True)
        Path("var/schemathesis-failures.txt").write_text("\n\n".join(failures))
    assert operations >= 40
    assert failures == [], "\n\n".join(failures)


def run_all(schema, app, secret):
    headers = {"Authorization": f"Bearer {secret}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        for mode, count, checks in ((GenerationMode.POSITIVE, EXAMPLES, CHECKS),
                                    (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, [not_a_server_error])):
            label = f"{mode.value} {operation.method.upper()} {operation.path}"
            try:
                fuzz(operation, mode, count, checks, label, app, headers, failures)()
            except AssertionError:
                pass
            except BaseException as exc:  # schemathesis groups several failures
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:600]}")
    return failures, operations
