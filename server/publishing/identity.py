"""The publishing body's identity on a briefing: name, logo, colour, contact and website."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".svg": "svg"}
DEFAULT_COLOUR = "#1d4f91"
# WCAG AA for body-size text on white; headings and labels use the accent.
MIN_CONTRAST = 4.5


class BodySettings(Protocol):
    body_name: str
    body_logo: Path | None
    body_colour: str
    body_contact: str
    body_website: str


@dataclass(frozen=True)
class Body:
    """Who publishes: copied into each snapshot, so a later change of settings
    leaves published briefings as they were."""

    name: str
    colour: str = DEFAULT_COLOUR
    contact: str = ""
    website: str = ""
    logo: str = ""  # a path on the server, read when the PDF is made

    @classmethod
    def of(cls, settings: BodySettings) -> Body:
        return cls(
            name=settings.body_name.strip(),
            colour=settings.body_colour,
            contact=settings.body_contact.strip(),
            website=settings.body_website.strip(),
            logo=str(settings.body_logo) if settings.body_logo else "",
        )

    def as_snapshot(self) -> dict[str, str]:
        return {
            "name": self.name,
            "colour": self.colour,
            "contact": self.contact,
            "website": self.website,
            "logo": self.logo,
        }


def body_of(snapshot: dict[str, Any]) -> Body:
    """The snapshot's body; snapshots made before identities had only a name."""
    found = snapshot.get("body") or {}
    return Body(
        name=str(found.get("name", snapshot.get("body_name", ""))),
        colour=str(found.get("colour") or DEFAULT_COLOUR),
        contact=str(found.get("contact", "")),
        website=str(found.get("website", "")),
        logo=str(found.get("logo", "")),
    )


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def readable(hex_colour: str) -> str:
    """The colour as #rrggbb, darkened in steps (at most 20) until text in it reads
    on white with a contrast of at least MIN_CONTRAST."""
    colour = hex_colour.lower()
    for _ in range(20):
        if contrast_on_white(colour) >= MIN_CONTRAST:
            return colour
        r, g, b = (int(int(colour[i : i + 2], 16) * 0.85) for i in (1, 3, 5))
        colour = f"#{r:02x}{g:02x}{b:02x}"
    return colour


def logo_file(body: Body) -> tuple[str, bytes] | None:
    """The logo as (file name, bytes) for the compiler, or None when there is none,
    it is missing, too big (LOGO_MAX_BYTES) or not a PNG, JPEG or SVG."""
    if not body.logo:
        return None
    path = Path(body.logo)
    kind = LOGO_TYPES.get(path.suffix.lower())
    try:
        if kind is None or path.stat().st_size > LOGO_MAX_BYTES:
            return None
        return f"logo.{kind}", path.read_bytes()
    except OSError:
        return None
