"""Schemathesis against /api/v1/schema/ (issue 15): a bounded number of generated requests per operation, with a
valid key of a province coordinator allowed to write everywhere, must give no server error and conform to the
schema (status codes, content types, response bodies). Deterministic (derandomized), ~5 examples an operation."""

import datetime
import json
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
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
    headers = {"Authorization": f"Bearer {secret}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case, operation=operation):
            response = case.call(app=app, headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except AssertionError as exc:
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
                raise

        try:
            run()
        except AssertionError:
            pass
        except BaseException as exc:  # schemathesis groups several failures
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.method.upper()} {operation.path}: {type(exc).__name__}: {str(exc)[:600]}")
    if failures:
        Path("var").mkdir(exist_ok=True)
        Path("var/schemathesis-failures.txt").write_text("\n\n".join(failures))
    assert operations >= 40
    assert failures == [], "\n\n".join(failures)
