"""The installable web app: its names, its icons (from the association's logo, else drawn from its initials on
its colour) and the version of what the service worker keeps (app.webapp serves them)."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app import site, storage
from app.services import branding

SHORT_NAME_LENGTH = 12  # what a home screen shows under an icon without cutting it
# name -> (size, maskable). 180 is Apple's touch icon; 192 and 512 are what Chromium asks of an installable app; a
# maskable icon keeps everything inside the middle 80 % circle, because launchers cut it to their own shape.
ICONS = {"icon-180": (180, False), "icon-192": (192, False), "icon-512": (512, False), "maskable-512": (512, True)}
PAGE_BACKGROUND = "#ffffff"  # --paper in site.css: the splash screen while the app starts

_APP_ROOT = Path(__file__).resolve().parent.parent
# What the service worker keeps until the next deploy: a change to any of these files is a new version.
_VERSIONED = ("static", "webapp", "templates/webapp", "translations")


def short_name(name: str) -> str:
    """The name itself when it is short; else its first words that fit, without a trailing article ("Verein der
    Ehemaligen" -> "Verein"); else its first letters."""
    name = " ".join(name.split())
    if len(name) <= SHORT_NAME_LENGTH:
        return name
    words: list[str] = []
    for word in name.split(" "):
        if len(" ".join([*words, word])) > SHORT_NAME_LENGTH:
            break
        words.append(word)
    while words and not words[-1][:1].isupper():
        words.pop()
    return " ".join(words) or name[:SHORT_NAME_LENGTH].strip()


def initials(name: str) -> str:
    """Up to two letters for the default icon: of the capitalised words ("Alumni Commons" -> "AC")."""
    words = [word for word in name.split() if word[:1].isalnum()]
    capitalised = [word for word in words if word[:1].isupper()] or words
    return "".join(word[0] for word in capitalised[:2]).upper() or "?"


def icon_version() -> str:
    """Changes with the logo, the colour and the name (the default icon shows its initials): the icons' address
    carries it, so browsers may keep an icon for a year and still see a change at once."""
    key = "|".join((site.get("logo"), site.get("accent_color"), initials(site.get("site_name"))))
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def icon_png(version: str, name: str) -> bytes | None:
    """The icon `name` of the current version as PNG, or None for an unknown name or an old version."""
    if name not in ICONS or version != icon_version():
        return None
    return _icon(version, name, site.get("logo"), site.get("accent_color"), initials(site.get("site_name")))


@lru_cache(maxsize=32)
def _icon(_version: str, name: str, logo: str, colour: str, letters: str) -> bytes:
    size, maskable = ICONS[name]
    picture = _logo_square(logo) if logo else None
    if picture is None:
        picture = _drawn(letters, colour)  # fills the square: its letters sit well inside the safe circle
        return branding.png(picture.resize((size, size), Image.Resampling.LANCZOS))
    if maskable:
        # The logo (already on white with a margin) shrunk into the safe circle's square, on white.
        canvas = Image.new("RGB", picture.size, (255, 255, 255))
        inner = round(picture.width * 0.7)
        canvas.paste(picture.resize((inner, inner), Image.Resampling.LANCZOS), ((picture.width - inner) // 2,) * 2)
        picture = canvas
    return branding.png(picture.resize((size, size), Image.Resampling.LANCZOS))


def _logo_square(logo: str) -> Image.Image | None:
    """The stored 512 px square of the logo (app.services.branding made it at upload), or None."""
    try:
        stream = branding.logo_image(logo, "icon-512")
    except storage.StorageUnavailable:
        return None
    if stream is None:
        return None
    with stream:
        return Image.open(io.BytesIO(stream.read())).convert("RGB")


def _drawn(letters: str, colour: str) -> Image.Image:
    """The site's initials in white on its colour (the colour is kept readable under white text)."""
    size = 512
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=200 if len(letters) > 1 else 260)
    draw.text((size / 2, size / 2), letters, fill="#ffffff", font=font, anchor="mm")
    return image


@lru_cache(maxsize=1)
def app_version() -> str:
    """A hash of the static files, the service worker, the offline page and the translations: a deploy that
    changes any of them changes the service worker's text, so browsers install it and drop the old caches."""
    digest = hashlib.sha256()
    for folder in _VERSIONED:
        for path in sorted((_APP_ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix not in (".mo", ".pyc") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(_APP_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def service_worker_source() -> str:
    return (_APP_ROOT / "webapp" / "sw.js").read_text(encoding="utf-8")
