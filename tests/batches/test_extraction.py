"""Type sniffing, text extraction and chunking (pure functions, no database)."""

import io
import itertools
import tracemalloc
import zipfile

import pytest

from modules.batches import extraction
from modules.batches.extraction import CONTENT_TYPES, chunk_text, count_tokens, detect_type
from tests.batches.files import make_docx, make_docx_bomb, make_pdf

DOCX = CONTENT_TYPES[".docx"]


def test_pdf_text():
    text = extraction.extract_text("application/pdf", make_pdf("Term: 36 months.", "Fee: EUR 10."))
    assert "Term: 36 months." in text
    assert "Fee: EUR 10." in text


def test_docx_paragraphs_and_tables_in_order():
    data = make_docx(
        ["First paragraph.", "", "Second   paragraph."],
        table=[["Party", "Role"], ["ACME", "Customer"]],
    )
    assert extraction.extract_text(DOCX, data) == (
        "First paragraph.\n\nSecond paragraph.\n\nParty | Role\n\nACME | Customer"
    )


def test_html_drops_script_and_style_and_breaks_blocks():
    markup = (
        b"<html><head><title>Deal</title><style>p{color:red}</style>"
        b"<script>var secret = 1;</script></head><body><p>First &amp; <b>bold</b>.</p>"
        b"<div>Second<br>line</div><noscript>hidden</noscript></body></html>"
    )
    assert extraction.extract_text("text/html", markup) == (
        "Deal\n\nFirst & bold.\n\nSecond\n\nline"
    )


def test_text_and_markdown_keep_paragraphs_and_normalise_spaces():
    data = "\ufeff# Title\n\nLine one\nstill one.\t\tTabs.\n\n\n\nLast.".encode()
    assert extraction.extract_text("text/markdown", data) == (
        "# Title\n\nLine one still one. Tabs.\n\nLast."
    )


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", b" \n\n ... --- \n"),
        ("application/pdf", b"%PDF-1.4 broken"),
        ("application/pdf", make_pdf()),
        (DOCX, b"PK\x03\x04 not really a zip"),
    ],
)
def test_no_text(content_type, data):
    with pytest.raises(extraction.NoText, match=r"No text could be extracted from this file\."):
        extraction.extract_text(content_type, data)


def _zip(names):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.pdf", b"%PDF-1.7 ...", "application/pdf"),
        ("A.PDF", b"%PDF-1.7 ...", "application/pdf"),
        ("a.docx", _zip(["word/document.xml"]), DOCX),
        ("a.txt", "héllo".encode(), "text/plain"),
        ("a.md", b"# x", "text/markdown"),
        ("a.markdown", b"# x", "text/markdown"),
        ("a.html", b"<p>x</p>", "text/html"),
        ("a.htm", b"<p>x</p>", "text/html"),
    ],
)
def test_detect_type_accepts(name, data, expected):
    assert detect_type(name, data) == expected


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.exe", b"MZ"),
        ("noextension", b"text"),
        (".txt", b"text"),
        ("a.pdf", b"not a pdf"),
        ("a.docx", _zip(["xl/workbook.xml"])),
        ("a.docx", b"%PDF-1.4"),
        ("a.txt", b"\xff\xfe\x00b"),
        ("a.txt", b"nul\x00byte"),
        ("a.html", "caf\xe9".encode("latin-1")),
    ],
)
def test_detect_type_refuses(name, data):
    with pytest.raises(extraction.UnsupportedType):
        detect_type(name, data)


def test_tokens_are_words():
    assert count_tokens("L'accord, signé le 1er mars — 36 mois.") == 8


def test_chunks_cover_the_text_with_overlap_and_clean_cuts():
    sentences = [f"Sentence number {i} speaks about clause {i * 7}." for i in range(60)]
    text = " ".join(sentences[:30]) + "\n\n" + " ".join(sentences[30:])
    chunks = chunk_text(text, size=300, overlap=60)
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    assert all(len(chunk.text) <= 300 for chunk in chunks)
    for chunk in chunks[:-1]:
        assert chunk.text.endswith("."), chunk.text
    for before, after in itertools.pairwise(chunks):
        head = after.text.split()[0]
        assert head in before.text, "consecutive chunks overlap"
        assert not after.text.startswith(("umber", "entence")), "overlap starts on a word"
    covered = " ".join(chunk.text for chunk in chunks)
    for sentence in sentences:
        assert sentence in covered
    assert all(chunk.token_count == count_tokens(chunk.text) for chunk in chunks)


def test_chunk_cut_prefers_a_paragraph_break():
    text = "a" * 85 + ". Words here.\n\n" + "b" * 200
    chunks = chunk_text(text, size=110, overlap=10)
    assert chunks[0].text == "a" * 85 + ". Words here."


def test_chunk_without_any_break_is_cut_at_the_size():
    chunks = chunk_text("x" * 250, size=100, overlap=20)
    assert [len(chunk.text) for chunk in chunks] == [100, 100, 90]


def test_short_text_is_one_chunk():
    assert chunk_text("Short text.", size=1000, overlap=200) == [
        extraction.Chunk(0, "Short text.", 2)
    ]


def test_text_a_database_cannot_hold_is_dropped():
    assert extraction.normalise(["nul\x00 byte and \ud800 surrogate"]) == "nul byte and surrogate"


def test_a_docx_unpacking_past_the_bound_has_no_text():
    bomb = make_docx_bomb(8 * 1024 * 1024)
    assert len(bomb) < 64 * 1024
    assert "Bounded text." in extraction.extract_text(DOCX, bomb, max_unpacked=16 * 1024 * 1024)
    with pytest.raises(extraction.NoText):
        extraction.extract_text(DOCX, bomb, max_unpacked=4 * 1024 * 1024)


def test_the_default_bound_follows_the_upload_limit_setting(settings):
    bomb = make_docx_bomb(8 * 1024 * 1024)
    settings.BATCH_MAX_DOCUMENT_SIZE = 4 * 1024 * 1024  # times DOCX_MAX_EXPANSION: 20 MiB
    assert "Bounded text." in extraction.extract_text(DOCX, bomb)
    settings.BATCH_MAX_DOCUMENT_SIZE = 1024 * 1024  # 5 MiB
    with pytest.raises(extraction.NoText):
        extraction.extract_text(DOCX, bomb)


def test_a_docx_lying_about_its_size_is_never_inflated_whole():
    # The archive says document.xml is 4 KiB; it inflates to 96 MiB.
    bomb = make_docx_bomb(96 * 1024 * 1024, declared=4096)
    tracemalloc.start()
    try:
        with pytest.raises(extraction.NoText):
            extraction.extract_text(DOCX, bomb, max_unpacked=16 * 1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024
