"""The association's look: its logo (in the header, in mail, as favicon and touch icon) and its main colour,
kept readable (WCAG AA) whatever an admin picks."""

from __future__ import annotations

import colorsys
import io
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image

from app import site, storage
from app.models.user import User
from app.services import attachments, settings, uploads
from app.services.errors import DomainError

# The logo as shown in the header (height in px, twice the CSS height for sharp screens) and square icons:
# the favicon, Apple's touch icon, and the sizes an installable web app asks for.
HEADER_HEIGHT = 96
ICON_SIZES = (32, 180, 192, 512)
LOGO_NAMES = ("header", *(f"icon-{size}" for size in ICON_SIZES))

# The accent colour is link text on the page and on tinted boxes, and the background of white button text.
PAGE_BACKGROUNDS = ("#ffffff", "#f3f5f7")
BUTTON_TEXT = "#ffffff"
AA_NORMAL_TEXT = 4.5


def _luminance(hex_colour: str) -> float:
    """Relative luminance as WCAG 2 defines it."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def worst_contrast(accent: str) -> float:
    return min(contrast(accent, other) for other in (*PAGE_BACKGROUNDS, BUTTON_TEXT))


def readable(accent: str) -> str:
    """The colour itself when text in it (and white text on it) meets AA, else the nearest darker shade
    of the same hue that does."""
    accent = accent.lower()
    if worst_contrast(accent) >= AA_NORMAL_TEXT:
        return accent
    red, green, blue = (int(accent[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    while lightness > 0:
        lightness = max(0.0, lightness - 0.01)
        shade = _hex(colorsys.hls_to_rgb(hue, lightness, saturation))
        if worst_contrast(shade) >= AA_NORMAL_TEXT:
            return shade
    return "#000000"


def darker(accent: str, factor: float = 0.7) -> str:
    """The hover shade."""
    red, green, blue = (int(accent[i:i + 2], 16) / 255 * factor for i in (1, 3, 5))
    return _hex((red, green, blue))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def set_accent(actor: User | None, colour: str) -> str:
    """Store the main colour, made readable if needed; returns the colour stored (compare to see if it was
    adjusted)."""
    settings.as_text("accent_color", colour)  # a well-formed colour, or the field's message
    chosen = readable(colour)
    settings.save(actor, {"accent_color": chosen})
    return chosen


def theme_css() -> str:
    """The custom properties that carry the colour (a stylesheet: the CSP allows no inline style)."""
    accent = site.get("accent_color")
    return f":root {{ --accent: {accent}; --accent-dark: {darker(accent)}; }}\n"


def logo_key(version: str, name: str) -> str:
    return f"brand/{version}/{name}.png"


def _logo_images(data: bytes) -> dict[str, bytes]:
    image = attachments.decode_image(data, "logo").convert("RGBA")
    made = {}
    header = image.copy()
    header.thumbnail((HEADER_HEIGHT * 6, HEADER_HEIGHT), Image.Resampling.LANCZOS)
    made["header"] = png(header)
    for size in ICON_SIZES:
        # The whole logo fits into the square (nothing cut off), on white: touch icons must not be transparent.
        square = Image.new("RGBA", (size, size), (255, 255, 255, 255))
        fitted = image.copy()
        margin = max(1, size // 10)
        fitted.thumbnail((size - 2 * margin, size - 2 * margin), Image.Resampling.LANCZOS)
        square.alpha_composite(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
        made[f"icon-{size}"] = png(square.convert("RGB"))
    return made


def png(image: Image.Image) -> bytes:
    image.info = {}  # no metadata of the original travels along
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def set_logo(actor: User | None, stream) -> str:
    """Decode (within the pixel limit) and re-encode an uploaded logo into the header and icon sizes; a new
    version each time, so browsers and mail never show a stale one."""
    data = uploads.read_limited(stream, current_app.config["PHOTO_MAX_BYTES"], "logo")
    try:
        images = _logo_images(data)
    except DomainError as error:
        raise DomainError(error.message, "logo") from error
    version = secrets.token_hex(6)
    try:
        for name, blob in images.items():
            storage.current().put(logo_key(version, name), blob, "image/png")
    except storage.StorageUnavailable as exc:
        raise DomainError(_l("The file could not be stored just now. Please try again in a few minutes."),
                          "logo") from exc
    settings.save(actor, {"logo": version})
    return version


def remove_logo(actor: User | None) -> None:
    settings.save(actor, {"logo": ""})


def logo_image(version: str, name: str):
    """The stored logo image (an open file), or None."""
    if name not in LOGO_NAMES or not version.isalnum():
        return None
    return storage.current().open(logo_key(version, name))
