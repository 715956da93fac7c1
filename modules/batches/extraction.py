"""From uploaded bytes to indexed text: type sniffing, text extraction, chunking and word counts.

Everything here is pure (bytes and strings in, values out), so uploads, the import command and the
benchmark share one implementation; the only setting read is the upload limit behind the default
DOCX unpacking bound.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings

UNSUPPORTED_TYPE = "Unsupported file type. Allowed: PDF, DOCX, TXT, MD, HTML."
NO_TEXT = "No text could be extracted from this file."

# A DOCX may unpack to this many times the upload limit. Text compresses 5-10x, but a package
# near the limit is mostly already compressed images; a zip bomb unpacks a thousand times more.
DOCX_MAX_EXPANSION = 5
_READ_BLOCK = 64 * 1024
_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
}
WORD_RE = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*\s")


class UnsupportedType(ValueError):
    """The name or the bytes are not one of the accepted document types."""


class NoText(ValueError):
    """The file is of an accepted type but yields no text."""


@dataclass(frozen=True)
class Chunk:
    position: int
    text: str
    token_count: int


def extension(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:].lower() if dot > 0 else ""


def detect_type(file_name: str, data: bytes) -> str:
    """The content type for an accepted name whose bytes agree with it, else UnsupportedType."""
    ext = extension(file_name)
    content_type = CONTENT_TYPES.get(ext)
    if content_type is None:
        raise UnsupportedType(UNSUPPORTED_TYPE)
    if ext == ".pdf":
        ok = data.startswith(b"%PDF-")
    elif ext == ".docx":
        ok = _is_docx(data)
    else:
        ok = _is_utf8_text(data)
    if not ok:
        raise UnsupportedType(UNSUPPORTED_TYPE)
    return content_type


def allowed_name(file_name: str) -> bool:
    return extension(file_name) in CONTENT_TYPES


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_utf8_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def extract_text(content_type: str, data: bytes, *, max_unpacked: int | None = None) -> str:
    """Plain text with normalised whitespace and blank lines between paragraphs; NoText if none,
    or if a DOCX would unpack to more than ``max_unpacked`` bytes (a zip bomb; by default
    ``DOCX_MAX_EXPANSION`` times the configured ``BATCH_MAX_DOCUMENT_SIZE``)."""
    if max_unpacked is None:
        max_unpacked = settings.BATCH_MAX_DOCUMENT_SIZE * DOCX_MAX_EXPANSION
    try:
        if content_type == "application/pdf":
            paragraphs = _pdf_paragraphs(data)
        elif content_type == CONTENT_TYPES[".docx"]:
            paragraphs = _docx_paragraphs(unpacked_docx(data, max_unpacked))
        elif content_type == "text/html":
            paragraphs = _html_paragraphs(data.decode("utf-8-sig"))
        else:
            paragraphs = _PARAGRAPH_BREAK.split(data.decode("utf-8-sig"))
    except NoText:
        raise
    except Exception as exc:
        # A damaged file of an accepted type: the client learns there is no usable text.
        raise NoText(NO_TEXT) from exc
    text = normalise(paragraphs)
    if not WORD_RE.search(text):
        raise NoText(NO_TEXT)
    return text


def normalise(paragraphs: list[str]) -> str:
    """One space between words, a blank line between paragraphs, and nothing a database column
    cannot hold (NUL, lone surrogates from damaged PDF font maps)."""
    cleaned = (_SPACES.sub(" ", _UNSTORABLE.sub("", paragraph)).strip() for paragraph in paragraphs)
    return "\n\n".join(paragraph for paragraph in cleaned if paragraph)


def _pdf_paragraphs(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise NoText(NO_TEXT)
    paragraphs: list[str] = []
    for page in reader.pages:
        paragraphs.extend(_PARAGRAPH_BREAK.split(page.extract_text() or ""))
    return paragraphs


def unpacked_docx(data: bytes, limit: int) -> io.BytesIO:
    """The package re-stored uncompressed, every entry read through a capped stream.

    python-docx reads whole entries, and zipfile inflates a whole entry before cutting it to its
    declared size, so a small archive could take gigabytes of memory. Here the declared sizes
    must fit ``limit`` together, and the actual bytes are counted block by block as they are
    inflated, so a lying size is caught too; python-docx then reads only the stored copy.
    """
    budget = limit
    copy = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as archive,
        zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as stored,
    ):
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if sum(info.file_size for info in entries) > limit:
            raise NoText(NO_TEXT)
        seen: set[str] = set()
        for info in entries:
            if info.compress_type not in _ZIP_METHODS:
                raise NoText(NO_TEXT)
            if info.filename in seen:
                continue
            seen.add(info.filename)
            with archive.open(info) as source, stored.open(info.filename, "w") as target:
                while block := source.read(_READ_BLOCK):
                    budget -= len(block)
                    if budget < 0:
                        raise NoText(NO_TEXT)
                    target.write(block)
    copy.seek(0)
    return copy


def _docx_paragraphs(package: io.BytesIO) -> list[str]:
    import docx
    from docx.table import Table

    document = docx.Document(package)
    paragraphs: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = cell.text.strip()
                    if text and (not cells or cells[-1] != text):
                        cells.append(text)
                paragraphs.append(" | ".join(cells))
        else:
            paragraphs.append(block.text)
    return paragraphs


class _TextOfHtml(HTMLParser):
    """Visible text of an HTML page: script and style dropped, block elements end a paragraph."""

    BLOCKS = frozenset(
        [
            "address",
            "article",
            "aside",
            "blockquote",
            "br",
            "dd",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "td",
            "th",
            "tr",
            "ul",
            "title",
        ]
    )
    HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._current.append(data)

    def _flush(self) -> None:
        if self._current:
            self.paragraphs.append("".join(self._current))
            self._current = []

    def close(self) -> None:
        super().close()
        self._flush()


def _html_paragraphs(markup: str) -> list[str]:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return parser.paragraphs


def count_tokens(text: str) -> int:
    return len(WORD_RE.findall(text))


def chunk_text(text: str, *, size: int, overlap: int) -> list[Chunk]:
    """Windows of ``size`` characters overlapping by ``overlap``, cut at a paragraph break, a
    sentence end or a space when one lies in the last fifth of the window."""
    size = max(size, 1)
    overlap = min(max(overlap, 0), size - 1)
    chunks: list[Chunk] = []
    start, length = 0, len(text)
    while start < length:
        end = min(start + size, length)
        if end < length:
            end = _cut(text, start, end, size, overlap)
        piece = text[start:end].strip()
        if piece:
            chunks.append(Chunk(len(chunks), piece, count_tokens(piece)))
        if end >= length:
            break
        start = _next_start(text, start, end, overlap)
    return chunks


def _cut(text: str, start: int, end: int, size: int, overlap: int) -> int:
    floor = max(start + size - max(size // 5, 1), start + overlap + 1)
    if floor >= end:
        return end
    paragraph = text.rfind("\n\n", floor, end)
    if paragraph != -1:
        return paragraph
    sentence = None
    for match in _SENTENCE_END.finditer(text, floor, end + 1):
        sentence = match.end() - 1
    if sentence is not None and sentence > start:
        return sentence
    space = text.rfind(" ", floor, end)
    return space if space != -1 else end


def _next_start(text: str, start: int, end: int, overlap: int) -> int:
    candidate = end - overlap
    if overlap and 0 < candidate < end and not text[candidate - 1].isspace():
        space = text.find(" ", candidate, end)
        candidate = space + 1 if space != -1 else candidate
    return max(candidate, start + 1)
