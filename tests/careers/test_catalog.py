"""Public catalog reads (spec careers.md §4.1) and the lists' ``limit``/``offset`` (§1)."""

import pytest
from model_bakery import baker

from core import fastpath
from modules.careers.models import Profession, Question, Role, SweetSpotOption, TypeAttribute
from tests.careers.conftest import V1

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}


@pytest.fixture
def catalog():
    design = Profession.objects.create(title="Design")
    engineering = Profession.objects.create(title="Engineering")
    creative = TypeAttribute.objects.create(title="Creative", description="Makes things.")
    analytical = TypeAttribute.objects.create(title="Analytical", description="Reasons.")
    ux = Role.objects.create(title="UX Designer", profession=design)
    ux.attributes.set([creative, analytical])
    graphic = Role.objects.create(title="Graphic Designer", profession=design)
    graphic.attributes.set([creative])
    software = Role.objects.create(title="Software Engineer", profession=engineering)
    software.attributes.set([analytical])
    return {
        "professions": [design, engineering],
        "attributes": {"creative": creative, "analytical": analytical},
        "roles": {"ux": ux, "graphic": graphic, "software": software},
    }


def test_questions_are_the_active_ones_by_sort_order(client):
    late = Question.objects.create(
        pk=19, question="How would you like to be remembered?", sort_order=11
    )
    first = Question.objects.create(
        pk=9, question="What was your favourite thing to do as a child?", sort_order=1
    )
    tie = Question.objects.create(pk=12, question="Tie, higher id", sort_order=1)
    Question.objects.create(pk=30, question="Retired", sort_order=0, status=0)
    response = client.get(f"{V1}/question/")
    assert response.status_code == 200
    assert response["X-Total-Count"] == "3"
    assert response.json() == [
        {"id": first.pk, "question": first.question, "sort_order": 1, "status": 1},
        {"id": tie.pk, "question": "Tie, higher id", "sort_order": 1, "status": 1},
        {"id": late.pk, "question": late.question, "sort_order": 11, "status": 1},
    ]


def test_one_question_and_the_ones_that_are_not_there(client):
    question = Question.objects.create(question="Why?", sort_order=3)
    inactive = Question.objects.create(question="Retired", status=0)
    response = client.get(f"{V1}/question/{question.pk}/")
    assert response.status_code == 200
    assert response.json() == {"id": question.pk, "question": "Why?", "sort_order": 3, "status": 1}
    for missing in (inactive.pk, 4242, "abc", "-1", "1.5", str(2**70)):
        response = client.get(f"{V1}/question/{missing}/")
        assert response.status_code == 404, missing
        assert response.json() == NOT_FOUND


def test_paths_answer_without_their_trailing_slash(client):
    question = Question.objects.create(question="Why?")
    assert client.get(f"{V1}/question").status_code == 200
    assert client.get(f"{V1}/question/{question.pk}").status_code == 200


def test_professions_and_roles_by_title(client, catalog):
    design, engineering = catalog["professions"]
    roles = catalog["roles"]
    response = client.get(f"{V1}/profession/")
    assert response.json() == [
        {"id": design.pk, "title": "Design"},
        {"id": engineering.pk, "title": "Engineering"},
    ]
    assert client.get(f"{V1}/profession/{engineering.pk}/").json() == {
        "id": engineering.pk,
        "title": "Engineering",
    }
    response = client.get(f"{V1}/role/")
    assert response["X-Total-Count"] == "3"
    assert response.json() == [
        {"id": roles["graphic"].pk, "title": "Graphic Designer"},
        {"id": roles["software"].pk, "title": "Software Engineer"},
        {"id": roles["ux"].pk, "title": "UX Designer"},
    ]
    assert client.get(f"{V1}/role/{roles['ux'].pk}/").json() == {
        "id": roles["ux"].pk,
        "title": "UX Designer",
    }
    assert client.get(f"{V1}/role/9999/").json() == NOT_FOUND
    assert client.get(f"{V1}/profession/9999/").json() == NOT_FOUND


def test_type_attributes_and_their_roles(client, catalog):
    creative, analytical = catalog["attributes"]["creative"], catalog["attributes"]["analytical"]
    roles = catalog["roles"]
    assert client.get(f"{V1}/typeattributes/").json() == [
        {"id": analytical.pk, "title": "Analytical", "description": "Reasons."},
        {"id": creative.pk, "title": "Creative", "description": "Makes things."},
    ]
    assert client.get(f"{V1}/typeattributes/{creative.pk}/").json() == {
        "id": creative.pk,
        "title": "Creative",
        "description": "Makes things.",
    }
    response = client.get(f"{V1}/typeattributes/{creative.pk}/roles/")
    assert response["X-Total-Count"] == "2"
    assert response.json() == [
        {"id": roles["graphic"].pk, "title": "Graphic Designer"},
        {"id": roles["ux"].pk, "title": "UX Designer"},
    ]
    assert client.get(f"{V1}/typeattributes/9999/").json() == NOT_FOUND
    missing = client.get(f"{V1}/typeattributes/9999/roles/?limit=0")
    assert missing.status_code == 404  # 404 before the query's 400


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("sweetspotvalues", "value"),
        ("sweetspotstrengths", "strength"),
        ("sweetspotimpacts", "impact"),
        ("sweetspotconfidences", "confidence"),
    ],
)
def test_option_lists_are_the_active_options_of_their_kind(client, path, kind):
    make = SweetSpotOption.objects.create
    last = make(kind=kind, title="Other", sort_order=99)
    zebra = make(kind=kind, title="Zebra")
    alpha = make(kind=kind, title="Alpha")
    first = make(kind=kind, title="Don't know", sort_order=0)
    make(kind=kind, title="Retired", status=0)
    other_kind = "value" if kind != "value" else "impact"
    make(kind=other_kind, title="Another list")
    response = client.get(f"{V1}/agpoll/{path}/")
    assert response.status_code == 200
    assert response.json() == [
        {"id": first.pk, "title": "Don't know"},
        {"id": alpha.pk, "title": "Alpha"},
        {"id": zebra.pk, "title": "Zebra"},
        {"id": last.pk, "title": "Other"},
    ]
    assert response["X-Total-Count"] == "4"


@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_option_lists_are_read_only(client, method):
    response = getattr(client, method)(f"{V1}/agpoll/sweetspotvalues/")
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


# limit / offset


def test_limit_and_offset_page_a_list_and_the_header_counts_it_all(client):
    titles = [f"Profession {n:03d}" for n in range(7)]
    for title in titles:
        Profession.objects.create(title=title)
    response = client.get(f"{V1}/profession/?limit=3&offset=2")
    assert [item["title"] for item in response.json()] == titles[2:5]
    assert response["X-Total-Count"] == "7"
    tail = client.get(f"{V1}/profession/?limit=3&offset=6")
    assert [item["title"] for item in tail.json()] == titles[6:]
    assert tail["X-Total-Count"] == "7"
    beyond = client.get(f"{V1}/profession/?offset=50")
    assert beyond.json() == []
    assert beyond["X-Total-Count"] == "7"


def test_the_default_page_is_100_and_the_largest_500(client):
    baker.make(Profession, title=iter(f"P{n:04d}" for n in range(501)), _quantity=501)
    default = client.get(f"{V1}/profession/")
    assert len(default.json()) == 100
    assert default["X-Total-Count"] == "501"
    largest = client.get(f"{V1}/profession/?limit=500")
    assert len(largest.json()) == 500


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("limit=0", {"limit": ["Ensure this value is greater than or equal to 1."]}),
        ("limit=501", {"limit": ["Ensure this value is less than or equal to 500."]}),
        ("limit=abc", {"limit": ["A valid integer is required."]}),
        ("offset=-1", {"offset": ["Ensure this value is greater than or equal to 0."]}),
        (
            "limit=-5&offset=x",
            {
                "limit": ["Ensure this value is greater than or equal to 1."],
                "offset": ["A valid integer is required."],
            },
        ),
        (
            f"offset={2**63}",
            {"offset": [f"Ensure this value is less than or equal to {2**63 - 1}."]},
        ),
    ],
)
def test_a_limit_or_offset_out_of_range_is_400_on_that_field(client, query, errors):
    response = client.get(f"{V1}/question/?{query}")
    assert response.status_code == 400
    assert response.json() == errors


def test_a_short_list_is_one_query(client, django_assert_num_queries):
    Question.objects.create(question="Why?")
    fastpath.reset()
    client.get(f"{V1}/question/")
    with django_assert_num_queries(1):
        response = client.get(f"{V1}/question/")
    assert response["X-Total-Count"] == "1"


def test_a_full_page_counts_the_rest_in_one_more_query(client, django_assert_num_queries):
    for n in range(3):
        Question.objects.create(question=f"Q{n}")
    with django_assert_num_queries(2):
        response = client.get(f"{V1}/question/?limit=2")
    assert response["X-Total-Count"] == "3"
