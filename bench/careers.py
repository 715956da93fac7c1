"""Benchmark hook for careers (issue 12): the public question list and the demo careers user's
dream-job polls (50 of them) under load, each against hello (target: at least 25% of hello's
throughput in the same run)."""

from bench.harness import Deployment, LoadResult, Target, share_of_hello, token_for

QUESTIONS = "GET /api/v1/question/"
DREAMJOBS = "GET /api/v1/agpoll/dreamjob/"
POLLS = 50


def load_data(dep: Deployment) -> None:
    """Fifty dream-job polls for the demo careers user (made by seed_demo with DEBUG on)."""
    dep.python(
        "from core.models import User\n"
        "from modules.careers.models import DreamJob\n"
        "user = User.objects.get(email='careers@example.com')\n"
        "DreamJob.objects.bulk_create(DreamJob(user=user, role1=f'Role {i}', "
        f"profession1='Teacher', company_size='small') for i in range({POLLS}))\n"
    )


def endpoints(dep: Deployment, base: str) -> list[tuple[str, str, dict[str, str]]]:
    token = token_for(base, "careers@example.com", "careers-pass-1")
    return [
        (QUESTIONS, "/api/v1/question/", {}),
        (DREAMJOBS, "/api/v1/agpoll/dreamjob/", {"Authorization": f"Bearer {token}"}),
    ]


def http_targets(results: dict[str, LoadResult]) -> list[Target]:
    return [
        share_of_hello("careers question list vs hello", results, QUESTIONS),
        share_of_hello("careers dream-job polls vs hello", results, DREAMJOBS),
    ]
