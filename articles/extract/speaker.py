"""Who said a quotation, as extraction names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Speaker:
    name: str
    kind: str = "person"  # "person", "organization" or "anonymous"
    description: str = ""
    gender: str = ""  # "f" or "m" when the text says it ("la ministre", "Mrs", "le député")
