"""The ``aws`` engine: Amazon Transcribe through boto3, its output read back with S3 ``GetObject``.

``start`` runs ``StartTranscriptionJob`` on the stored file (``s3://<bucket>/<key>``, so S3
storage is required) with a new uuid4 name per attempt, writing the output to
``TRANSCRIBE_OUTPUT_BUCKET`` (default the storage bucket) under
``careers/transcripts/<name>.json``; ``poll`` runs ``GetTranscriptionJob`` and, once completed,
reads that object with the S3 client (never through the public ``TranscriptFileUri``).
Both clients have the deadlines and bounded retries of ``AWS_S3_CLIENT_CONFIG``; throttling, 5xx
and network failures that outlast botocore's retries are ``TransientError``.
"""

import json
import threading
import uuid
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from django.conf import settings

from modules.careers.transcription.base import (
    FinalError,
    RemoteState,
    Result,
    Transcriber,
    TranscriptionError,
    TransientError,
    setting,
)

OUTPUT_PREFIX = "careers/transcripts/"
# Transcribe's MediaFormat for each sniffed format; Opus lives in Ogg, ADTS AAC is converted.
MEDIA_FORMATS = {"wav": "wav", "mp3": "mp3", "m4a": "m4a", "ogg": "ogg", "opus": "ogg"}
MEDIA_FORMATS |= {"webm": "webm", "flac": "flac"}

TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "LimitExceededException",
        "RequestLimitExceeded",
        "SlowDown",
        "InternalFailureException",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "NoSuchKey",  # an output not yet readable: Transcribe writes it as the job completes
    }
)


def classify(error: BotoCoreError | ClientError) -> TranscriptionError:
    """Throttling, 5xx and network errors are transient; refusals and bad requests final."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in TRANSIENT_CODES or status == 429 or status >= 500:
            return TransientError(f"AWS {code or status}: {error}")
        return FinalError(f"AWS {code or status}: {error}")
    if isinstance(error, ParamValidationError):
        return FinalError(f"AWS request invalid: {error}")
    # Connection and read timeouts, closed connections, and credentials not yet fetched.
    return TransientError(f"AWS unreachable: {error}")


_clients: dict[tuple[str, ...], Any] = {}
_clients_lock = threading.Lock()


def _client(service: str, region: str | None, endpoint: str | None, config: Config) -> Any:
    """A client per service, region, endpoint and configuration, made once per process: making
    one costs a tenth of a second, and the poller asks on every pass. A client is thread-safe
    once made; boto3's default session, which makes them, is not, so each has its own."""
    options = sorted((k, repr(v)) for k, v in vars(config).items() if not k.startswith("_"))
    key = (service, region or "", endpoint or "", repr(options))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            session = boto3.session.Session()
            client = session.client(
                service, region_name=region, endpoint_url=endpoint, config=config
            )
            _clients[key] = client
        return client


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def output_key(remote_name: str) -> str:
    return f"{OUTPUT_PREFIX}{remote_name}.json"


class AwsTranscriber(Transcriber):
    engine = "aws"
    remote = True
    formats = frozenset(MEDIA_FORMATS)

    def __init__(
        self,
        *,
        bucket: str,
        output_bucket: str = "",
        language: str = "en-GB",
        region: str | None = None,
        s3_endpoint_url: str | None = None,
        transcribe_endpoint_url: str | None = None,
        config: Config | None = None,
    ) -> None:
        self.bucket = bucket
        self.output_bucket = output_bucket or bucket
        self.language = language
        self.region = region
        self.s3_endpoint_url = s3_endpoint_url or None
        self.transcribe_endpoint_url = transcribe_endpoint_url or None
        self.config = config or Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"total_max_attempts": 3, "mode": "standard"},
        )

    @classmethod
    def from_settings(cls) -> "AwsTranscriber":
        return cls(
            bucket=settings.AWS_STORAGE_BUCKET_NAME,
            output_bucket=str(setting("TRANSCRIBE_OUTPUT_BUCKET")),
            language=str(setting("TRANSCRIBE_LANGUAGE")),
            region=settings.AWS_S3_REGION_NAME,
            s3_endpoint_url=settings.AWS_S3_ENDPOINT_URL,
            transcribe_endpoint_url=str(setting("TRANSCRIBE_AWS_ENDPOINT_URL")),
            config=settings.AWS_S3_CLIENT_CONFIG,
        )

    @property
    def s3(self) -> Any:
        return _client("s3", self.region, self.s3_endpoint_url, self.config)

    @property
    def transcribe_client(self) -> Any:
        # The S3 config's deadlines and retries, without its S3-only signature version.
        config = Config(
            connect_timeout=self.config.connect_timeout,
            read_timeout=self.config.read_timeout,
            retries=self.config.retries,
        )
        return _client("transcribe", self.region, self.transcribe_endpoint_url, config)

    def start(self, *, key: str, audio_format: str, remote_name: str | None = None) -> str:
        """Start a job on ``s3://<bucket>/<key>``; its name (``remote_name`` or a new uuid4).

        A name the service already holds is this attempt's own job (botocore retried a start
        whose answer was lost), so it is returned rather than refused.
        """
        if not self.bucket:
            raise FinalError("The aws engine needs S3 storage (AWS_STORAGE_BUCKET_NAME).")
        media_format = MEDIA_FORMATS.get(audio_format)
        if media_format is None:
            raise FinalError(f"Amazon Transcribe does not take {audio_format}; convert it first.")
        name = remote_name or str(uuid.uuid4())
        try:
            self.transcribe_client.start_transcription_job(
                TranscriptionJobName=name,
                LanguageCode=self.language,
                MediaFormat=media_format,
                Media={"MediaFileUri": f"s3://{self.bucket}/{key}"},
                OutputBucketName=self.output_bucket,
                OutputKey=output_key(name),
            )
        except ClientError as error:
            if _code(error) != "ConflictException":
                raise classify(error) from error
        except BotoCoreError as error:
            raise classify(error) from error
        return name

    def poll(self, remote_name: str) -> Result:
        try:
            answer = self.transcribe_client.get_transcription_job(TranscriptionJobName=remote_name)
        except (BotoCoreError, ClientError) as error:
            raise classify(error) from error
        job = answer.get("TranscriptionJob", {})
        status = str(job.get("TranscriptionJobStatus") or "QUEUED")
        if status == "FAILED":
            reason = str(job.get("FailureReason") or "Amazon Transcribe reported a failure.")
            return Result(RemoteState.FAILED, status, reason=reason)
        if status != "COMPLETED":
            return Result(RemoteState.IN_PROGRESS, status)
        raw = self._output(remote_name)
        return Result(RemoteState.COMPLETED, status, text=_transcript(raw), raw=raw)

    def _output(self, remote_name: str) -> dict[str, Any]:
        try:
            answer = self.s3.get_object(Bucket=self.output_bucket, Key=output_key(remote_name))
            with answer["Body"] as body:
                content = body.read()
        except (BotoCoreError, ClientError) as error:
            raise classify(error) from error
        try:
            raw = json.loads(content)
        except ValueError as error:
            raise FinalError(f"The transcript output is not JSON: {error}") from error
        if not isinstance(raw, dict):
            raise FinalError("The transcript output is not a JSON object.")
        return raw

    def discard(self, remote_name: str) -> None:
        """Delete the remote job and its output; either being gone already is fine."""
        try:
            self.transcribe_client.delete_transcription_job(TranscriptionJobName=remote_name)
        except ClientError as error:
            if _code(error) not in {"BadRequestException", "NotFoundException"}:
                raise classify(error) from error
        except BotoCoreError as error:
            raise classify(error) from error
        try:
            self.s3.delete_object(Bucket=self.output_bucket, Key=output_key(remote_name))
        except (BotoCoreError, ClientError) as error:
            raise classify(error) from error


def _transcript(raw: dict[str, Any]) -> str:
    """``results.transcripts[0].transcript``; "" when the story was silent."""
    results = raw.get("results")
    transcripts = results.get("transcripts") if isinstance(results, dict) else None
    if transcripts is None:
        raise FinalError("The transcript output has no results.transcripts.")
    if not transcripts:
        return ""
    first = transcripts[0]
    text = first.get("transcript") if isinstance(first, dict) else None
    if not isinstance(text, str):
        raise FinalError("The transcript output has no results.transcripts[0].transcript.")
    return text.strip()
