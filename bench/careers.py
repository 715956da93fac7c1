"""Benchmark hook for careers (issues 12 and 13): the public question list, the demo careers
user's dream-job polls (50 of them) and stories (50 more) under load, each against hello (target:
at least 25% of hello's throughput in the same run); and a 20 MB story upload, whose peak RSS
growth in the web worker must stay under 30 MB (the file is streamed to storage, never held)."""

import http.client
import json
from collections.abc import Iterator
from pathlib import Path

from bench.harness import (
    Deployment,
    HookReport,
    LoadResult,
    Target,
    share_of_hello,
    token_for,
    web_server,
)

QUESTIONS = "GET /api/v1/question/"
DREAMJOBS = "GET /api/v1/agpoll/dreamjob/"
STORIES = "GET /api/v1/media/"
POLLS = 50
STORY_ROWS = 50
UPLOAD_MB = 20
UPLOAD_RSS_LIMIT_MB = 30


def load_data(dep: Deployment) -> None:
    """Fifty dream-job polls for the demo careers user (made by seed_demo with DEBUG on)."""
    dep.python(
        "from core.models import User\n"
        "from modules.careers.models import DreamJob\n"
        "user = User.objects.get(email='careers@example.com')\n"
        "DreamJob.objects.bulk_create(DreamJob(user=user, role1=f'Role {i}', "
        f"profession1='Teacher', company_size='small') for i in range({POLLS}))\n"
    )
    dep.python(
        "from core.models import User\n"
        "from modules.careers.models import Media, Question\n"
        "user = User.objects.get(email='careers@example.com')\n"
        "question = Question.objects.filter(status=1).order_by('sort_order').first()\n"
        "system = {'visual': 1, 'auditory': 0, 'kinesthetic': 0, 'auditory_digital': 0}\n"
        "Media.objects.bulk_create(Media(user=user, question=question, title=f'Story {i}', "
        "file=f'careers/media/bench/{i}.wav', audio_format='wav', size_bytes=1, status=4, "
        f"transcript='I see', representational_system=system) for i in range({STORY_ROWS}))\n"
    )


def endpoints(dep: Deployment, base: str) -> list[tuple[str, str, dict[str, str]]]:
    token = token_for(base, "careers@example.com", "careers-pass-1")
    return [
        (QUESTIONS, "/api/v1/question/", {}),
        (DREAMJOBS, "/api/v1/agpoll/dreamjob/", {"Authorization": f"Bearer {token}"}),
        (STORIES, "/api/v1/media/", {"Authorization": f"Bearer {token}"}),
    ]


def load_mix(dep: Deployment, base: str) -> list[dict]:
    """The careers user reads the questions, its polls and its stories, and answers the
    dream-job poll."""
    token = token_for(base, "careers@example.com", "careers-pass-1")
    headers = {"Authorization": f"Bearer {token}"}
    poll = {"role1": "Designer", "profession1": "Teacher", "company_size": "small"}
    return [
        {"method": "GET", "path": "/api/v1/question/", "headers": {}},
        {"method": "GET", "path": "/api/v1/agpoll/dreamjob/", "headers": headers},
        {"method": "GET", "path": "/api/v1/media/", "headers": headers},
        {
            "method": "POST",
            "path": "/api/v1/agpoll/dreamjob/",
            "headers": {**headers, "Content-Type": "application/json"},
            "body": json.dumps(poll),
        },
    ]


def http_targets(results: dict[str, LoadResult]) -> list[Target]:
    return [
        share_of_hello("careers question list vs hello", results, QUESTIONS),
        share_of_hello("careers dream-job polls vs hello", results, DREAMJOBS),
        share_of_hello("careers story list vs hello", results, STORIES),
    ]


def offline(dep: Deployment) -> HookReport:
    """The upload's memory, then the local engine's speed (``bench.transcribe``)."""
    from bench import transcribe

    upload, speed = upload_memory(dep), transcribe.offline(dep)
    return HookReport(lines=upload.lines + speed.lines, targets=upload.targets + speed.targets)


# A 20 MB story upload: the web worker's peak RSS growth


BOUNDARY = "careers-bench-boundary"
WAV_HEAD = b"RIFF\x24\x00\x00\x00WAVEfmt "


def _multipart(size: int, question: int) -> tuple[int, Iterator[bytes]]:
    """A multipart body with a ``size``-byte WAV-signed file, made chunk by chunk."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="question"\r\n\r\n{question}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="media"; filename="big.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head + WAV_HEAD
        left = size - len(WAV_HEAD)
        block = bytes(range(256)) * 256  # 64 KiB
        while left > 0:
            yield block[: min(left, len(block))]
            left -= len(block)
        yield tail

    return len(head) + size + len(tail), chunks()


def _upload(base: str, token: str, size: int, question: int) -> tuple[int, str]:
    length, body = _multipart(size, question)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.putrequest("POST", "/api/v1/media/")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    for chunk in body:
        conn.send(chunk)
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    conn.close()
    return response.status, text


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def _server_processes(port: int) -> list[int]:
    """The granian process serving ``port`` and its workers (whichever serves the request)."""
    main = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"granian" in arg for arg in argv[:2]) and str(port).encode() in argv:
            main.append(int(entry.name))
    found = list(main)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent in main:
            found.append(int(entry.name))
    return sorted(set(found))  # a worker's command line names the port too


def upload_memory(dep: Deployment) -> HookReport:
    """One worker; a small upload first (imports and first-request caches), then the peak-RSS
    mark of every server process is reset (``/proc/<pid>/clear_refs``) and the 20 MB upload
    sent; the growth is the highest new peak over the RSS just before."""
    size = UPLOAD_MB * 1024 * 1024
    with web_server(dep, workers=1) as base:
        token = token_for(base, "careers@example.com", "careers-pass-1")
        question = json.loads(
            dep.python(
                "from modules.careers.models import Question; "
                "print(Question.objects.filter(status=1).order_by('sort_order').first().pk)"
            ).strip()
        )
        warm = _upload(base, token, 64 * 1024, question)
        pids = _server_processes(int(base.rsplit(":", 1)[1]))
        before = {}
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            before[pid] = _status_kb(pid, "VmRSS")
        status, text = _upload(base, token, size, question)
        growth_kb = max(_status_kb(pid, "VmHWM") - before[pid] for pid in pids)
    growth = growth_kb / 1024
    ok = warm[0] == 201 and status == 201 and growth < UPLOAD_RSS_LIMIT_MB
    line = (
        f"{UPLOAD_MB} MB story upload (POST /api/v1/media/, 1 granian worker): HTTP {status}, "
        f"peak RSS growth {growth:.1f} MB over {len(pids)} server processes"
    )
    if status != 201:
        line += f": {text[:200]}"
    target = Target(
        f"careers {UPLOAD_MB} MB upload peak RSS growth",
        f"{growth:.1f} MB (HTTP {status})",
        f"< {UPLOAD_RSS_LIMIT_MB} MB and 201",
        ok,
    )
    return HookReport(lines=["", "Careers (story upload memory):", f"- {line}"], targets=[target])
