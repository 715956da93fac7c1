"""Small real documents of every accepted type, built in memory."""

import io
import struct
import zipfile

import docx


def make_pdf(*lines: str) -> bytes:
    """A one-page PDF whose text pypdf can extract."""
    text = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {text} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def make_docx_bomb(padding: int, *, declared: int | None = None) -> bytes:
    """A real DOCX whose ``word/document.xml`` carries about ``padding`` bytes of trailing comments (valid XML,
    so without a bound it parses fine), compressed a thousand-fold. ``declared`` rewrites the
    size the central directory states for that entry, as a lying archive would."""
    original = zipfile.ZipFile(io.BytesIO(make_docx(["Bounded text."])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            content = original.read(info)
            if info.filename != "word/document.xml":
                bomb.writestr(info.filename, content)
                continue
            with bomb.open(info.filename, "w", force_zip64=False) as target:
                target.write(content)
                unit = b"<!-- padding -->\n"
                block = unit * (1024 * 1024 // len(unit))
                for _ in range(padding // len(block)):
                    target.write(block)
                target.write(unit * (padding % len(block) // len(unit)))
    data = out.getvalue()
    if declared is None:
        return data
    # Walk the central directory from the end record: (offset 16 of it) to the entry's record.
    central = struct.unpack_from("<I", data, data.rindex(b"PK\x05\x06") + 16)[0]
    while True:
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, central + 28)
        if data[central + 46 : central + 46 + name_length] == b"word/document.xml":
            patched = bytearray(data)
            struct.pack_into("<I", patched, central + 24, declared)
            return bytes(patched)
        central += 46 + name_length + extra_length + comment_length
