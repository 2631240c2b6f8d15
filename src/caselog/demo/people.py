"""The demo's people: a made-up name and personal identity number for every child.

Personal data (issue 13): stored encrypted, shredded by a purge. Derived from the child's
id, not drawn from the case's random stream, so the rest of the demo is what it was before
children had names.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Final

from caselog.events.pnr import check_digit

if TYPE_CHECKING:
    from datetime import date


_FIRST_NAMES: Final = (
    "Alva", "Elsa", "Maja", "Wilma", "Ebba", "Astrid", "Saga", "Alice",
    "Hugo", "William", "Liam", "Noah", "Oscar", "Elias", "Lucas", "Adam",
)  # fmt: skip
_FAMILY_NAMES: Final = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",
    "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson",
)  # fmt: skip


def identity(child_id: str, born_on: date) -> dict[str, str]:
    """A child's made-up name and personal identity number, the same on every run.

    Derived from the child's id, not drawn from the case's random stream, so the rest
    of the demo is what it was before children had names. The number is valid (its date
    is `born_on`, its Luhn digit right) and, in the demo, unique for a birth date.
    """
    mixed = zlib.crc32(child_id.encode())
    nine = f"{born_on:%y%m%d}{mixed % 1000:03d}"
    pnr = f"{born_on:%Y%m%d}-{nine[6:]}{check_digit(nine)}"
    name = f"{_FIRST_NAMES[mixed % 16]} {_FAMILY_NAMES[(mixed >> 8) % 12]}"
    return {"personal_identity_number": pnr, "name": name}
