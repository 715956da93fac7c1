"""The shapes §8 checks ``config`` and ``responseValues`` against, named after the legacy schema
classes (their names are in the error messages). Unknown inner keys are kept; known ones come
out camelCase with their defaults filled in."""

import re
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


class Shape(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    def dumped(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True)


def _uuid_text(value: str | None) -> str:
    """A client's id must be a uuid; a missing one gets a new uuid."""
    if value is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(str(value)))


def _color(value: str | None) -> str | None:
    if value is not None and not HEX_COLOR.match(value):
        raise ValueError("not a hex colour")
    return value


def _two_decimals(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


ClientId = Annotated[str | None, AfterValidator(_uuid_text)]
Color = Annotated[str | None, AfterValidator(_color)]
Score = Annotated[float | None, AfterValidator(_two_decimals)]
