"""The ``aws`` engine (spec §5) against moto's server (S3 and Transcribe) on loopback, and a
local server speaking Transcribe's protocol for what moto never answers: a FAILED job,
throttling, 500s and refusals."""

import json
import uuid

import pytest
from botocore.config import Config

from modules.careers.transcription.aws import AwsTranscriber
from modules.careers.transcription.base import (
    FinalError,
    RemoteState,
    TransientError,
    transcriber_for,
)
from tests.careers import transcribe_servers
from tests.careers.transcribe_servers import aws_error
from tests.support import free_port


@pytest.fixture
def aws_faults(settings, monkeypatch):
    with transcribe_servers.aws_faults(settings, monkeypatch) as server:
        yield server


KEY = "careers/media/6f1c/9a7e.mp3"


def test_a_job_is_started_polled_and_its_output_read_from_s3(moto_aws):
    moto_aws.s3.put_object(Bucket="media", Key=KEY, Body=b"ID3 audio")
    engine = transcriber_for("aws")
    name = engine.start(key=KEY, audio_format="mp3")
    assert str(uuid.UUID(name, version=4)) == name

    job = moto_aws.transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    assert [(j["TranscriptionJobName"], j["LanguageCode"]) for j in job] == [(name, "en-GB")]
    assert engine.poll(name).state == RemoteState.IN_PROGRESS  # moto: QUEUED
    second = engine.poll(name)
    assert (second.state, second.remote_status, second.text) == (
        RemoteState.IN_PROGRESS,
        "IN_PROGRESS",
        None,
    )
    key = moto_aws.put_output(name, transcript="I started my first job in a shop. ")
    assert key == f"careers/transcripts/{name}.json"
    done = engine.poll(name)
    assert (done.state, done.remote_status, done.reason) == (
        RemoteState.COMPLETED,
        "COMPLETED",
        None,
    )
    assert done.text == "I started my first job in a shop."
    assert done.raw is not None and done.raw["jobName"] == name

    described = moto_aws.transcribe.get_transcription_job(TranscriptionJobName=name)
    job = described["TranscriptionJob"]
    assert job["Media"] == {"MediaFileUri": f"s3://media/{KEY}"}
    assert job["MediaFormat"] == "mp3"
    # The job wrote where start() asked: the output bucket, under careers/transcripts/.
    assert job["Transcript"]["TranscriptFileUri"].endswith(f"/transcripts/{key}")


def test_each_attempt_has_a_new_name_and_the_storage_bucket_is_the_default_output(
    moto_aws, settings
):
    settings.TRANSCRIBE_OUTPUT_BUCKET = ""
    engine = transcriber_for("aws")
    assert engine.output_bucket == "media"
    first = engine.start(key=KEY, audio_format="mp3")
    second = engine.start(key=KEY, audio_format="mp3")
    assert first != second
    for _ in range(2):
        engine.poll(second)
    moto_aws.output_bucket = "media"
    moto_aws.put_output(second, transcript="")
    result = engine.poll(second)
    assert (result.state, result.text) == (RemoteState.COMPLETED, "")  # silence
    uri = moto_aws.transcribe.get_transcription_job(TranscriptionJobName=second)
    assert (
        f"/media/careers/transcripts/{second}"
        in uri["TranscriptionJob"]["Transcript"]["TranscriptFileUri"]
    )


def test_a_name_the_service_already_holds_is_this_attempts_own(moto_aws):
    engine = transcriber_for("aws")
    name = str(uuid.uuid4())
    assert engine.start(key=KEY, audio_format="mp3", remote_name=name) == name
    # botocore retried a start whose answer was lost: the job exists, and it is ours.
    assert engine.start(key=KEY, audio_format="mp3", remote_name=name) == name
    jobs = moto_aws.transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    assert [j["TranscriptionJobName"] for j in jobs] == [name]


@pytest.mark.parametrize(
    ("audio_format", "media_format"),
    [("wav", "wav"), ("m4a", "m4a"), ("ogg", "ogg"), ("opus", "ogg"), ("webm", "webm"),
     ("flac", "flac")],
)  # fmt: skip
def test_media_format_of_each_upload_format(moto_aws, audio_format, media_format):
    engine = transcriber_for("aws")
    assert engine.accepts(audio_format)
    name = engine.start(key=f"careers/media/x/y.{audio_format}", audio_format=audio_format)
    job = moto_aws.transcribe.get_transcription_job(TranscriptionJobName=name)
    assert job["TranscriptionJob"]["MediaFormat"] == media_format


def test_adts_aac_is_converted_first(moto_aws):
    engine = transcriber_for("aws")
    assert not engine.accepts("aac")
    with pytest.raises(FinalError, match="does not take aac"):
        engine.start(key=KEY, audio_format="aac")
    assert moto_aws.transcribe.list_transcription_jobs()["TranscriptionJobSummaries"] == []


def test_completed_without_its_output_yet_is_transient(moto_aws):
    engine = transcriber_for("aws")
    name = engine.start(key=KEY, audio_format="mp3")
    engine.poll(name)
    engine.poll(name)
    with pytest.raises(TransientError, match="NoSuchKey"):
        engine.poll(name)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({"results": {}}).encode(), "no results.transcripts"),
        (json.dumps({"results": {"transcripts": [{}]}}).encode(), r"transcripts\[0\]"),
    ],
)
def test_a_malformed_output_is_final(moto_aws, content, message):
    engine = transcriber_for("aws")
    name = engine.start(key=KEY, audio_format="mp3")
    engine.poll(name)
    engine.poll(name)
    key = f"careers/transcripts/{name}.json"
    moto_aws.s3.put_object(Bucket="transcripts", Key=key, Body=content)
    with pytest.raises(FinalError, match=message):
        engine.poll(name)


def test_an_unknown_job_is_final(moto_aws):
    with pytest.raises(FinalError, match="BadRequestException"):
        transcriber_for("aws").poll(str(uuid.uuid4()))


def test_discard_deletes_the_job_and_its_output(moto_aws):
    engine = transcriber_for("aws")
    name = engine.start(key=KEY, audio_format="mp3")
    engine.poll(name)
    engine.poll(name)
    key = moto_aws.put_output(name, transcript="gone soon")
    engine.discard(name)
    assert moto_aws.transcribe.list_transcription_jobs()["TranscriptionJobSummaries"] == []
    assert moto_aws.s3.list_objects_v2(Bucket="transcripts", Prefix=key)["KeyCount"] == 0
    engine.discard(name)  # already gone: nothing to do


def test_without_s3_storage_nothing_starts(settings):
    settings.AWS_STORAGE_BUCKET_NAME = ""
    with pytest.raises(FinalError, match="needs S3 storage"):
        transcriber_for("aws").start(key=KEY, audio_format="mp3")


# What moto never answers: a local server speaking Transcribe's protocol.


def fast_config(attempts):
    return Config(
        connect_timeout=1,
        read_timeout=2,
        retries={"total_max_attempts": attempts, "mode": "standard"},
    )


def test_a_failed_job_reports_the_reason(aws_faults, settings):
    settings.AWS_S3_CLIENT_CONFIG = fast_config(3)
    reason = "The media format provided does not match the detected media format."
    aws_faults.script["GetTranscriptionJob"] = [
        (200, {"TranscriptionJob": {"TranscriptionJobName": "j", "TranscriptionJobStatus": "IN_PROGRESS"}}),
        (200, {"TranscriptionJob": {"TranscriptionJobName": "j", "TranscriptionJobStatus": "FAILED",
                                    "FailureReason": reason}}),
    ]  # fmt: skip
    engine = transcriber_for("aws")
    assert engine.poll("j").state == RemoteState.IN_PROGRESS
    failed = engine.poll("j")
    assert (failed.state, failed.remote_status, failed.reason, failed.text) == (
        RemoteState.FAILED,
        "FAILED",
        reason,
        None,
    )
    assert aws_faults.calls[-1] == ("GetTranscriptionJob", {"TranscriptionJobName": "j"})


def test_start_sends_the_spec_s_parameters(aws_faults, settings):
    settings.AWS_S3_CLIENT_CONFIG = fast_config(1)
    settings.TRANSCRIBE_LANGUAGE = "en-US"
    aws_faults.script["StartTranscriptionJob"] = [(200, {"TranscriptionJob": {}})]
    name = transcriber_for("aws").start(key=KEY, audio_format="mp3")
    assert aws_faults.calls == [
        (
            "StartTranscriptionJob",
            {
                "TranscriptionJobName": name,
                "LanguageCode": "en-US",
                "MediaFormat": "mp3",
                "Media": {"MediaFileUri": f"s3://media/{KEY}"},
                "OutputBucketName": "media",
                "OutputKey": f"careers/transcripts/{name}.json",
            },
        )
    ]


@pytest.mark.parametrize(
    ("status", "kind", "attempts"),
    [
        (400, "ThrottlingException", 2),  # botocore retries, then it is ours to retry later
        (500, "InternalFailureException", 2),
        (400, "LimitExceededException", 1),
        (503, "ServiceUnavailableException", 1),
        (429, "TooManyRequestsException", 1),
    ],
)
def test_throttling_and_server_errors_are_transient_after_botocore_retries(
    aws_faults, settings, status, kind, attempts
):
    settings.AWS_S3_CLIENT_CONFIG = fast_config(attempts)
    aws_faults.script["StartTranscriptionJob"] = [(status, aws_error(kind))]
    aws_faults.script["GetTranscriptionJob"] = [(status, aws_error(kind))]
    engine = transcriber_for("aws")
    with pytest.raises(TransientError, match=kind):
        engine.start(key=KEY, audio_format="mp3")
    with pytest.raises(TransientError, match=kind):
        engine.poll("j")
    expected = ["StartTranscriptionJob"] * attempts + ["GetTranscriptionJob"] * attempts
    assert aws_faults.operations() == expected


@pytest.mark.parametrize(
    "kind", ["BadRequestException", "AccessDeniedException", "UnrecognizedClientException"]
)
def test_refusals_are_final(aws_faults, settings, kind):
    settings.AWS_S3_CLIENT_CONFIG = fast_config(3)
    aws_faults.script["StartTranscriptionJob"] = [(400, aws_error(kind, "refused"))]
    with pytest.raises(FinalError, match=kind):
        transcriber_for("aws").start(key=KEY, audio_format="mp3")
    assert aws_faults.operations() == ["StartTranscriptionJob"]


def test_an_unreachable_service_is_transient(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    engine = AwsTranscriber(
        bucket="media",
        region="us-east-1",
        transcribe_endpoint_url=f"http://127.0.0.1:{free_port()}",
        config=fast_config(1),
    )
    with pytest.raises(TransientError, match="unreachable"):
        engine.start(key=KEY, audio_format="mp3")
    with pytest.raises(TransientError, match="unreachable"):
        engine.poll("j")


def test_the_clients_have_deadlines_and_bounded_retries(settings):
    settings.AWS_STORAGE_BUCKET_NAME = "media"
    settings.AWS_S3_CLIENT_CONFIG = Config(
        connect_timeout=3, read_timeout=7, retries={"total_max_attempts": 4, "mode": "standard"}
    )
    engine = transcriber_for("aws")
    for client in (engine.s3, engine.transcribe_client):
        assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (3, 7)
        assert client.meta.config.retries["total_max_attempts"] == 4
    assert engine.transcribe_client.meta.config.signature_version != "s3v4"
