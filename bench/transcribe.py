"""The local transcription engine's speed (spec careers.md §5): a 30-second clip spoken by
espeak-ng, converted to 16 kHz mono WAV as the pipeline does, then decoded by pocketsphinx in the
deployment's own Python (``manage.py shell``), as a worker would. The figure is seconds of audio
per second of wall time (the model load, once per worker process, is reported apart); the target
is at least 1.0x, i.e. a worker keeps up with real time.

Run alone with ``python -m bench.transcribe``; ``offline(dep)`` is the hook for ``bench/run.py``.
"""

import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path

from bench.harness import Deployment, HookReport, Target, deployment

CLIP_SECONDS = 30.0
TARGET_SPEED = 1.0

# Plain sentences with the profile's sensory words; spoken twice over to pass 30 s, then cut.
SCRIPT = (
    "When I was a child I loved to draw maps of islands. I could see every bay and picture "
    "the bright colours. I think that is where I learned to plan. Later I listened to music "
    "and talked with friends about what we wanted to be. I feel that building things with my "
    "hands taught me to hold on to a problem until I understand it. I know now that I decide "
    "best when I can look at the whole picture and hear what other people think. "
)


def make_clip(folder: Path, seconds: float = CLIP_SECONDS) -> Path:
    """``seconds`` of espeak-ng speech as WAV s16le 16 kHz mono (what the local engine takes)."""
    from modules.careers.transcription.audio import to_wav

    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is needed for the transcription benchmark")
    spoken = folder / "speech.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(spoken), SCRIPT * 3],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = folder / "speech16k.wav"
    to_wav(spoken, converted)
    clip = folder / "clip.wav"
    with wave.open(str(converted), "rb") as reader, wave.open(str(clip), "wb") as writer:
        writer.setparams(reader.getparams())
        frames = int(seconds * reader.getframerate())
        if reader.getnframes() < frames:
            raise RuntimeError("the spoken script is shorter than the clip")
        writer.writeframes(reader.readframes(frames))
    return clip


MEASURE = """
import json, time, wave
from modules.careers.transcription.local import LocalTranscriber, _decoder
path = {path!r}
with wave.open(path, "rb") as reader:
    audio = reader.getnframes() / reader.getframerate()
started = time.perf_counter()
_decoder()
model = time.perf_counter() - started
engine = LocalTranscriber()
runs = []
for _ in range(2):
    started = time.perf_counter()
    text = engine.transcribe(path, audio_format="wav")
    runs.append(time.perf_counter() - started)
print(json.dumps({{"audio": audio, "model": model, "runs": runs, "words": len(text.split())}}))
"""


def local_speed(dep: Deployment) -> dict[str, float]:
    """Decode the clip twice in one deployment process; the faster run is the figure (the
    first also pays for the model's first use), both are reported."""
    clip = make_clip(dep.folder)
    output = dep.python(MEASURE.format(path=str(clip)))
    measured = json.loads(output.strip().splitlines()[-1])
    best = min(measured["runs"])
    return {
        "audio_s": measured["audio"],
        "model_s": measured["model"],
        "first_s": measured["runs"][0],
        "best_s": best,
        "speed": measured["audio"] / best if best else 0.0,
        "words": measured["words"],
    }


def offline(dep: Deployment) -> HookReport:
    result = local_speed(dep)
    line = (
        f"local engine (pocketsphinx): {result['audio_s']:.0f} s espeak-ng clip (16 kHz mono "
        f"WAV) decoded in {result['best_s']:.1f} s (first run {result['first_s']:.1f} s, model "
        f"load {result['model_s']:.1f} s): {result['speed']:.2f}x real time, "
        f"{result['words']:.0f} words"
    )
    target = Target(
        "careers local transcription speed",
        f"{result['speed']:.2f}x real time",
        f">= {TARGET_SPEED:.1f}x",
        result["speed"] >= TARGET_SPEED,
    )
    return HookReport(lines=["", "Careers (transcription):", f"- {line}"], targets=[target])


def main() -> int:
    with deployment() as dep:
        report = offline(dep)
    print("\n".join(report.lines[1:]))
    print("\n".join(target.line() for target in report.targets))
    return 0 if all(target.ok for target in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main())
