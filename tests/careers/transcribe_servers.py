"""Local counterparts of the transcription services, on 127.0.0.1 (never the internet):

- ``OpenAIServer`` speaks ``POST /v1/audio/transcriptions`` (multipart ``file`` + ``model``,
  ``{"text"}`` back), answering from a script (429, 5xx, 400, slow answers) and recording what
  it received;
- ``moto_aws`` runs moto in server mode for S3 and Transcribe. Moto's Transcribe never reads
  the media nor writes the output: each ``GetTranscriptionJob`` moves a job one step (QUEUED,
  IN_PROGRESS, COMPLETED), and a test puts the output document in the bucket itself, as the
  service would, before the poll that sees COMPLETED. It never reports FAILED, so
- ``AwsFaultServer`` speaks Transcribe's JSON protocol with scripted answers: a FAILED job,
  throttling, 500s and refusals.
"""

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.support import free_port


@dataclass
class Answer:
    status: int = 200
    body: Any = field(default_factory=lambda: {"text": "one two three"})
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    path: str
    headers: Message
    fields: dict[str, str]
    filename: str | None
    content_type: str | None
    file: bytes


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], tuple[Any, ...]]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    upload: tuple[Any, ...] = (None, None, b"")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename() is not None:
            upload = (part.get_filename(), part.get_content_type(), payload)
        else:
            fields[str(name)] = payload.decode()
    return fields, upload


class _Server:
    """A threaded HTTP server on a free loopback port; subclasses answer ``POST``."""

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                status, payload, headers = server.answer(self.path, self.headers, body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for name, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def answer(self, path: str, headers: Message, body: bytes) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class OpenAIServer(_Server):
    """Answers each request with the next scripted ``Answer`` (the last one repeats)."""

    def __init__(self) -> None:
        self.script: list[Answer] = [Answer()]
        self.received: list[Received] = []
        super().__init__()

    def answer(self, path: str, headers: Message, body: bytes) -> tuple[int, Any, dict[str, str]]:
        fields, (filename, content_type, file) = _multipart(headers["Content-Type"], body)
        self.received.append(Received(path, headers, fields, filename, content_type, file))
        answer = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        time.sleep(answer.delay)
        return answer.status, answer.body, answer.headers


@contextmanager
def openai_server() -> Iterator[OpenAIServer]:
    server = OpenAIServer()
    try:
        yield server
    finally:
        server.stop()


class AwsFaultServer(_Server):
    """Transcribe's JSON 1.1 protocol: each call is answered by ``script[operation]`` in turn
    (the last repeats); every call is recorded as ``(operation, request body)``."""

    def __init__(self) -> None:
        self.script: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        super().__init__()

    def answer(self, path: str, headers: Message, body: bytes) -> tuple[int, Any, dict[str, str]]:
        operation = str(headers.get("X-Amz-Target", "")).rsplit(".", 1)[-1]
        self.calls.append((operation, json.loads(body or b"{}")))
        answers = self.script.get(operation) or [(500, {"__type": "InternalFailureException"})]
        status, payload = answers.pop(0) if len(answers) > 1 else answers[0]
        return status, payload, {"Content-Type": "application/x-amz-json-1.1"}

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.calls]


def aws_error(kind: str, message: str = "") -> dict[str, str]:
    return {"__type": kind, "Message": message or kind}


@dataclass
class MotoAws:
    endpoint: str
    s3: Any
    transcribe: Any
    bucket: str = "media"
    output_bucket: str = "transcripts"

    def put_output(self, remote_name: str, transcript: str | None = None, **document: Any) -> str:
        """Write the output document Transcribe would write for ``remote_name``."""
        key = f"careers/transcripts/{remote_name}.json"
        if not document:
            document = {
                "jobName": remote_name,
                "accountId": "123456789012",
                "results": {"transcripts": [{"transcript": transcript}], "items": []},
                "status": "COMPLETED",
            }
        self.s3.put_object(Bucket=self.output_bucket, Key=key, Body=json.dumps(document).encode())
        return key


@contextmanager
def moto_server() -> Iterator[MotoAws]:
    """Moto's server on loopback with clients for it (for a module: ``moto_reset`` empties it
    for each test). Making boto3 clients is slow, so they are made once here."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AWS_ACCESS_KEY_ID", "testing")
            patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            session = boto3.session.Session()
            yield MotoAws(
                endpoint=endpoint,
                s3=session.client("s3", endpoint_url=endpoint, region_name="us-east-1"),
                transcribe=session.client(
                    "transcribe", endpoint_url=endpoint, region_name="us-east-1"
                ),
            )
    finally:
        server.stop()


def moto_reset(aws: MotoAws, settings: Any) -> MotoAws:
    """Moto emptied but for the two buckets, and the settings pointing at it."""
    reset = urllib.request.Request(f"{aws.endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()
    aws.output_bucket = "transcripts"
    aws.s3.create_bucket(Bucket=aws.bucket)
    aws.s3.create_bucket(Bucket=aws.output_bucket)
    settings.AWS_STORAGE_BUCKET_NAME = aws.bucket
    settings.AWS_S3_ENDPOINT_URL = aws.endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.TRANSCRIBE_AWS_ENDPOINT_URL = aws.endpoint
    settings.TRANSCRIBE_OUTPUT_BUCKET = aws.output_bucket
    settings.TRANSCRIBE_LANGUAGE = "en-GB"
    return aws


@contextmanager
def aws_faults(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsFaultServer]:
    """An ``AwsFaultServer`` as the Transcribe endpoint, the storage bucket ``media``."""
    server = AwsFaultServer()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.AWS_STORAGE_BUCKET_NAME = "media"
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.TRANSCRIBE_AWS_ENDPOINT_URL = server.url
    settings.TRANSCRIBE_OUTPUT_BUCKET = ""
    try:
        yield server
    finally:
        server.stop()
