"""The result workbook, streamed with openpyxl's write-only mode so memory stays flat.

Every string is written as text: a leading ``=`` (or an Excel error literal) never becomes a
formula, characters XML cannot hold are dropped, and openpyxl cuts values at 32,767 characters.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

RESULTS = "Results"
BATCH_STATISTICS = "batch_statistics"
INDEX_STATISTICS = "index_statistics"
MAX_CELL_CHARACTERS = 32767
DATE_FORMAT = "yyyy-mm-dd"
THREE_DECIMALS = "0.000"

ID_WIDTH = 38
FILE_NAME_WIDTH = 40
METADATA_WIDTH = 18
PROMPT_WIDTH = 60

BATCH_STATISTICS_COLUMNS = (
    "start_time",
    "end_time",
    "total_execution_time",
    "total_cost (USD)",
    "question_answer_cost (USD)",
    "document_embedding_cost (USD)",
    "prompt_tokens",
    "completion_tokens",
    "total_document_tokens",
    "engine",
    "model",
    "zone",
    "documents",
    "prompts",
    "na_answers",
    "error_answers",
)
INDEX_STATISTICS_COLUMNS = (
    "document_id",
    "file_name",
    "number_of_chunks",
    "number_of_tokens",
    "elapsed_time (second)",
)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
# Strings openpyxl would store as formulas or error values; they must stay text.
_NOT_TEXT_TYPES = frozenset({"f", "e"})


def clean_text(value: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:MAX_CELL_CHARACTERS]


class ResultsWorkbook:
    """Write the three sheets in order: results rows, then the statistics, then save."""

    def __init__(self, *, metadata_fields: Sequence[str], prompt_names: Sequence[str]) -> None:
        self.book = Workbook(write_only=True)
        self.results = self.book.create_sheet(RESULTS)
        self.metadata_fields = list(metadata_fields)
        self.prompt_names = list(prompt_names)
        header = ["document_id", "file_name", *self.metadata_fields, *self.prompt_names]
        widths = (
            [ID_WIDTH, FILE_NAME_WIDTH]
            + [METADATA_WIDTH] * len(self.metadata_fields)
            + [PROMPT_WIDTH] * len(self.prompt_names)
        )
        for index, width in enumerate(widths, start=1):
            self.results.column_dimensions[get_column_letter(index)].width = width
        self.results.freeze_panes = "A2"
        self.results.append(self._header(self.results, header))
        first_prompt = 2 + len(self.metadata_fields)
        # One styled cell per styled column, rebound for every row: a row is serialised as soon
        # as it is appended, so reusing the objects is safe and spares a cell per value.
        self._styled: dict[int, WriteOnlyCell] = {}
        for offset in range(len(self.prompt_names)):
            cell = WriteOnlyCell(self.results)
            cell.alignment = _WRAP
            self._styled[first_prompt + offset] = cell
        if "document_date" in self.metadata_fields:
            cell = WriteOnlyCell(self.results)
            cell.number_format = DATE_FORMAT
            self._styled[2 + self.metadata_fields.index("document_date")] = cell
        # Rows reach openpyxl as prepared cells: the styled ones above, and one reusable plain
        # cell for the rest. openpyxl's own converter would first try each styled cell as a
        # value and fail, which costs more than writing the cell.
        self._plain = WriteOnlyCell(self.results)
        self.results._values_to_row = self._cells_of_row

    def _header(self, sheet: Any, names: Iterable[str]) -> list[WriteOnlyCell]:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, name)
            cell.font = _BOLD
            cells.append(cell)
        return cells

    def _cells_of_row(self, values: Sequence[Any], row_index: int) -> Iterator[Cell]:
        plain = self._plain
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                cell = plain
                cell.value = value
            cell.column = column
            cell.row = row_index
            yield cell
            if cell is plain and plain.has_style:
                plain = self._plain = WriteOnlyCell(self.results)

    def add_row(self, values: Sequence[Any]) -> None:
        """One document: id, file name, metadata values, answers, in the header's order."""
        row: list[Any] = []
        styled = self._styled
        sheet = self.results
        for index, value in enumerate(values):
            if isinstance(value, str):
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                template = styled.get(index)
                if template is not None:
                    template.value = value
                    if template.data_type in _NOT_TEXT_TYPES:
                        template.data_type = "s"
                    value = template
                elif value[:1] in ("=", "#"):
                    cell = WriteOnlyCell(sheet, value)
                    if cell.data_type in _NOT_TEXT_TYPES:
                        cell.data_type = "s"
                    value = cell
            elif isinstance(value, date) and not isinstance(value, datetime):
                template = styled.get(index)
                if template is not None:
                    template.value = value
                    value = template
            row.append(value)
        sheet.append(row)

    def add_batch_statistics(self, statistics: dict[str, Any]) -> None:
        sheet = self.book.create_sheet(BATCH_STATISTICS)
        sheet.append(self._header(sheet, BATCH_STATISTICS_COLUMNS))
        row: list[Any] = []
        for name in BATCH_STATISTICS_COLUMNS:
            value = statistics.get(name)
            if name.endswith("(USD)"):
                cell = WriteOnlyCell(sheet, float(round(value or 0, 3)))
                cell.number_format = THREE_DECIMALS
                value = cell
            elif isinstance(value, str):
                cell = WriteOnlyCell(sheet, clean_text(value))
                cell.data_type = "s"
                value = cell
            row.append(value)
        sheet.append(row)

    def add_index_statistics(self, rows: Iterable[tuple[str, str, int, int, float]]) -> None:
        sheet = self.book.create_sheet(INDEX_STATISTICS)
        sheet.append(self._header(sheet, INDEX_STATISTICS_COLUMNS))
        for document_id, file_name, chunks, tokens, seconds in rows:
            elapsed = WriteOnlyCell(sheet, round(float(seconds), 3))
            elapsed.number_format = THREE_DECIMALS
            name = WriteOnlyCell(sheet, clean_text(file_name))
            name.data_type = "s"
            sheet.append([document_id, name, chunks, tokens, elapsed])

    def save(self, path: Path | str) -> None:
        self.book.save(str(path))
