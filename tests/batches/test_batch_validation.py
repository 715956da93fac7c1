"""POST /api/batch validation (spec §4): every message, its shape, and all errors at once."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from modules.batches.models import BatchJob
from tests.batches.conftest import batch_body, submit
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()
TODAY = timezone.localdate().isoformat()


@pytest.fixture(autouse=True)
def _documents(member, make_document, wakeups):
    make_document(ic01="ic01_1", document_date=timezone.localdate())


def refused(client, member, body, status=400):
    response = submit(client, member, body)
    assert response.status_code == status, response.content
    assert not BatchJob.objects.exists()
    return response.json()


def scope_errors(client, member, scope):
    return refused(client, member, batch_body(scope=scope))


def test_json_only(client, member):
    form = client.post("/api/batch", {"cuid": "ABCD1234"}, **bearer(member))
    assert form.status_code == 415
    assert form.json() == {"detail": "Unsupported media type."}
    text = client.post("/api/batch", "x", content_type="text/plain", **bearer(member))
    assert text.status_code == 415
    assert not BatchJob.objects.exists()


def test_malformed_json(client, member):
    response = client.post("/api/batch", "{oops", content_type="application/json", **bearer(member))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)"
    }


def test_deeply_nested_json_is_a_client_error(client, member):
    nested = "[" * 5000 + "]" * 5000
    body = '{"cuid": "ABCD1234", "fields": ' + nested + "}"
    response = client.post("/api/batch", body, content_type="application/json", **bearer(member))
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - the body is nested too deeply"}
    assert not BatchJob.objects.exists()


def test_needs_a_token(client):
    response = client.post("/api/batch", batch_body(), content_type="application/json")
    assert response.status_code == 401


def test_body_must_be_an_object(client, member):
    assert refused(client, member, ["x"]) == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_legacy_readme_body_is_valid(client, member):
    body = {
        "cuid": "ABCD1234",
        "scope": {"ic01_list": ["ic01_1", "ic01_2"]},
        "prompts": [{"name": "prompt_1", "value": "Give me a summary of the document"}],
    }
    assert submit(client, member, body).status_code == 202


def test_spec_example_body_is_valid_and_normalised(client, member):
    body = {
        "cuid": "ABCD1234",
        "scope": {
            "zone": "EQT",
            "ic01_list": ["ic01_1"],
            "period_start": "2000-01-01",
            "period_end": TODAY,
            "filters": {
                "status": "SGDG,PEND",
                "document_label": {"value": ["Legal"], "filter_type": "keep"},
                "unknown_filter": 1,
            },
        },
        "prompts": [
            {"name": "summary", "value": "Summarise the document"},
            {"name": "term", "value": "What is the term?", "dependencies": ["summary", "summary"]},
        ],
        "fields": ["customer_name", "typeLabel", "customerName", "originalFilename"],
        "ignored": True,
    }
    response = submit(client, member, body)
    assert response.status_code == 400  # no document carries those filters
    assert response.json() == {"scope": {"non_field_errors": ["No documents match this scope."]}}
    body["scope"]["filters"] = {}
    assert submit(client, member, body).status_code == 202
    job = BatchJob.objects.get()
    assert job.zone == "eqt"
    assert job.scope == {
        "zone": "eqt",
        "ic01_list": ["ic01_1"],
        "period_start": "2000-01-01",
        "period_end": TODAY,
    }
    assert job.fields == ["customer_name", "contract_type"]
    assert job.prompts[1] == {
        "name": "term",
        "value": "What is the term?",
        "dependencies": ["summary", "summary"],
    }


@pytest.mark.parametrize(
    ("cuid", "message"),
    [
        (None, "This field may not be null."),
        ("", "This field may not be blank."),
        ("   ", "This field may not be blank."),
        ([], "Not a valid string."),
    ],
)
def test_cuid_must_be_a_non_blank_string(client, member, cuid, message):
    assert refused(client, member, batch_body(cuid=cuid)) == {"cuid": [message]}


def test_required_fields(client, member):
    assert refused(client, member, {}) == {
        "cuid": ["This field is required."],
        "scope": ["This field is required."],
        "prompts": ["This field is required."],
    }


def test_scope_must_be_an_object(client, member):
    assert scope_errors(client, member, "ic01_1") == {
        "scope": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}
    }


def test_zone(client, member):
    assert scope_errors(client, member, {"zone": "asia", "ic01_list": ["ic01_1"]}) == {
        "scope": {"zone": ["The zone must be either 'eqt' or 'ftsa'."]}
    }
    assert submit(client, member, batch_body(scope={"zone": "Ftsa", "ic01_list": ["ic01_1"]}))
    assert BatchJob.objects.get().zone == "ftsa"


def test_zone_is_optional(client, member):
    assert submit(client, member).status_code == 202
    assert BatchJob.objects.get().zone == ""


def test_period_end_in_the_future(client, member):
    errors = scope_errors(client, member, {"period_start": TODAY, "period_end": TOMORROW})
    assert errors == {"scope": {"period_end": ["The period_end date cannot be in the future."]}}


def test_scope_field_types(client, member):
    errors = scope_errors(
        client,
        member,
        {"ic01_list": "ic01_1", "id_list": ["nope"], "period_start": "2024/01/01"},
    )
    assert errors == {
        "scope": {
            "ic01_list": ['Expected a list of items but got type "str".'],
            "id_list": {"0": ["Must be a valid UUID."]},
            "period_start": [
                "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
            ],
        }
    }


WRONG_DATE = ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]


@pytest.mark.parametrize("day", ["2024-W01-1", "20240101", "2024-02-30", "2024-1-1", 20240101])
def test_dates_are_year_month_day_only(client, member, day):
    scope = {
        "period_start": day,
        "period_end": "2024-12-31",
        "filters": {"document_creation_date": {"start_period": day, "end_period": "2024-12-31"}},
    }
    assert scope_errors(client, member, scope) == {
        "scope": {
            "period_start": WRONG_DATE,
            "filters": {"document_creation_date": {"start_period": WRONG_DATE}},
        }
    }


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ({}, "At least ic01_list or id_list or both period_start and period_end must be defined."),
        (
            {"ic01_list": [], "id_list": []},
            "At least ic01_list or id_list or both period_start and period_end must be defined.",
        ),
        (
            {"period_start": "2024-01-01"},
            "At least ic01_list or id_list or both period_start and period_end must be defined.",
        ),
        (
            {"ic01_list": ["ic01_1"], "period_start": "2024-01-01"},
            "Both period_start and period_end must be defined.",
        ),
        (
            {"ic01_list": ["ic01_1"], "period_end": "2024-01-01"},
            "Both period_start and period_end must be defined.",
        ),
        (
            {"period_start": "2024-02-01", "period_end": "2024-01-01"},
            "The period_start date cannot be later than the period_end date.",
        ),
    ],
)
def test_scope_cross_checks(client, member, scope, message):
    assert scope_errors(client, member, scope) == {"scope": {"non_field_errors": [message]}}


def test_cross_checks_wait_for_the_fields(client, member):
    assert scope_errors(client, member, {"zone": "x"}) == {
        "scope": {"zone": ["The zone must be either 'eqt' or 'ftsa'."]}
    }


def test_list_filters(client, member):
    filters = {
        "sales_country": {"value": []},
        "sales_region": {"value": ["EMEA"], "filter_type": "drop"},
        "document_label": {},
        "original_file_name": "msa",
    }
    errors = scope_errors(client, member, {"ic01_list": ["ic01_1"], "filters": filters})
    assert errors == {
        "scope": {
            "filters": {
                "sales_country": {"value": ["Value list can not be empty."]},
                "sales_region": {"filter_type": ['"drop" is not a valid choice.']},
                "document_label": {"value": ["This field is required."]},
                "original_file_name": {
                    "non_field_errors": ["Invalid data. Expected a dictionary, but got str."]
                },
            }
        }
    }


def test_filters_must_be_an_object(client, member):
    errors = scope_errors(client, member, {"ic01_list": ["x"], "filters": ["status"]})
    assert errors == {
        "scope": {
            "filters": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
        }
    }


@pytest.mark.parametrize(
    ("period", "errors"),
    [
        ({"start_period": "2024-01-01"}, {"end_period": ["This field is required."]}),
        (
            {"start_period": "2024-01-01", "end_period": TOMORROW},
            {"end_period": ["The end_period date cannot be in the future."]},
        ),
        (
            {"start_period": "2024-02-01", "end_period": "2024-01-01"},
            {
                "non_field_errors": [
                    "The start_period date cannot be later than the end_period date."
                ]
            },
        ),
        (
            {"start_period": "yesterday", "end_period": "2024-01-01"},
            {
                "start_period": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ]
            },
        ),
    ],
)
def test_document_creation_date_filter(client, member, period, errors):
    scope = {"ic01_list": ["ic01_1"], "filters": {"document_creation_date": period}}
    assert scope_errors(client, member, scope) == {
        "scope": {"filters": {"document_creation_date": errors}}
    }


def test_prompt_item_errors_keep_their_positions(client, member):
    prompts = [
        {"name": "ok", "value": "fine"},
        {"name": "b", "value": "v", "dependencies": "ok"},
        {"name": "", "value": "x" * 10001},
        {"name": "n" * 101},
        "text",
        {"name": "c", "value": "v", "dependencies": [1, None]},
    ]
    assert refused(client, member, batch_body(prompts=prompts)) == {
        "prompts": [
            {},
            {"dependencies": ['Expected a list of items but got type "str".']},
            {
                "name": ["This field may not be blank."],
                "value": ["Ensure this field has no more than 10000 characters."],
            },
            {
                "name": ["Ensure this field has no more than 100 characters."],
                "value": ["This field is required."],
            },
            {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]},
            {"dependencies": {"1": ["This field may not be null."]}},
        ]
    }


def test_prompts_must_be_a_list(client, member):
    assert refused(client, member, batch_body(prompts={"name": "x"})) == {
        "prompts": ['Expected a list of items but got type "dict".']
    }


def p(name, *dependencies):
    return {"name": name, "value": f"question {name}", "dependencies": list(dependencies)}


@pytest.mark.parametrize(
    ("prompts", "message"),
    [
        ([], "The prompts list cannot be empty."),
        ([p("a"), p("b"), p("c")], "At most 2 prompts are allowed."),
        ([p("summary"), p("summary")], "Prompt names must be unique: summary."),
        (
            [p("term", "foo")],
            "Dependency foo in prompt term does not reference an existing prompt",
        ),
        ([p("a", "b"), p("b", "a")], "Prompt dependencies form a cycle: a -> b -> a."),
        ([p("a", "a")], "Prompt dependencies form a cycle: a -> a."),
    ],
)
def test_prompt_list_rules(client, member, settings, prompts, message):
    settings.BATCH_MAX_PROMPTS = 2
    assert refused(client, member, batch_body(prompts=prompts)) == {"prompts": [message]}


def test_longer_cycle_and_default_limit(client, member):
    prompts = [p("x"), p("a", "x", "c"), p("b", "a"), p("c", "b")]
    assert refused(client, member, batch_body(prompts=prompts)) == {
        "prompts": ["Prompt dependencies form a cycle: a -> c -> b -> a."]
    }
    many = [p(f"q{i}") for i in range(51)]
    assert refused(client, member, batch_body(prompts=many)) == {
        "prompts": ["At most 50 prompts are allowed."]
    }


def test_fields(client, member):
    body = batch_body(fields=["customer_name", "effectiveDate", 3])
    assert refused(client, member, body) == {
        "fields": {
            "1": ['"effectiveDate" is not a valid choice.'],
            "2": ['"3" is not a valid choice.'],
        }
    }
    assert refused(client, member, batch_body(fields="ic01")) == {
        "fields": ['Expected a list of items but got type "str".']
    }


def test_every_alias_and_empty_fields(client, member):
    aliases = [
        "customerName",
        "documentLabel",
        "salesCountry",
        "salesRegion",
        "salesCluster",
        "typeLabel",
        "documentCreationDate",
        "originalFilename",
        "ic01",
    ]
    assert submit(client, member, batch_body(fields=aliases)).status_code == 202
    assert BatchJob.objects.get().fields == [
        "customer_name",
        "document_label",
        "sales_country",
        "sales_region",
        "sales_cluster",
        "contract_type",
        "document_date",
        "ic01",
    ]
    BatchJob.objects.all().delete()
    assert submit(client, member, batch_body(fields=[])).status_code == 202
    assert BatchJob.objects.get().fields == []


def test_every_error_at_once(client, member):
    body = {
        "cuid": "",
        "scope": {"zone": "x", "ic01_list": ["ic01_1"]},
        "prompts": [],
        "fields": ["bad"],
    }
    assert refused(client, member, body) == {
        "cuid": ["This field may not be blank."],
        "scope": {"zone": ["The zone must be either 'eqt' or 'ftsa'."]},
        "prompts": ["The prompts list cannot be empty."],
        "fields": {"0": ['"bad" is not a valid choice.']},
    }


def test_text_no_column_can_hold_is_refused(client, member):
    body = batch_body(
        scope={"ic01_list": ["ic01\x00"]},
        prompts=[{"name": "a\x00", "value": "bad \ud800 value"}],
    )
    response = client.post(
        "/api/batch",
        json.dumps(body),  # the test client's encoder would refuse the lone surrogate
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 400
    assert response.json() == {
        "scope": {"ic01_list": {"0": ["Null characters are not allowed."]}},
        "prompts": [
            {
                "name": ["Null characters are not allowed."],
                "value": ["Surrogate characters are not allowed: U+D800."],
            }
        ],
    }
    assert not BatchJob.objects.exists()
