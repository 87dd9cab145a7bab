"""Request bodies: JSON that cannot hurt the server.

Python's JSON decoder recurses once per nesting level and Python strings may hold lone
surrogates ("\\ud800"), which nothing downstream can encode: both are refused here with a 400,
before any view sees the data (the rule is ``articles.contract.check_json``, which the import
applies to its records too).
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

from articles.contract import TOO_DEEP, check_json


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        check_json(data)
        return data


class RawPageParser(BaseParser):
    """A raw article page sent as is (``text/html`` or ``text/plain``), for extraction."""

    media_type = "text/*"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, str]:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            return {"content": stream.read().decode(encoding)}
        except UnicodeDecodeError as error:
            raise ParseError(f"The page is not valid {encoding}: {error.reason}.") from None
