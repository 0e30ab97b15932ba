"""Photos in a real Chromium, at a phone and a desktop width: an alumnus writes a discussion with two photos
from the file picker (uploaded at once by our script), describes them, publishes, sees the grid and opens the
full view; another person pastes a picture into a comment. Accessible (axe), and every request the pages make
goes to our own server."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import VIEWPORTS, assert_accessible, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e


def jpeg(color, size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def watch_requests(page, live_server, seen):
    page.on("request", lambda request: seen.append(request.url))


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_a_discussion_with_two_photos_and_a_pasted_picture(viewport_name, make_user, page_factory, live_server):
    viewport = VIEWPORTS[viewport_name]
    seen: list[str] = []
    author = make_user(Role.ALUMNUS, name="Alma")
    page = page_factory(viewport)
    watch_requests(page, live_server, seen)
    log_in_as(page, author)
    page.goto("/posts/new")
    page.get_by_label("Title").fill("Fotos vom Stammtisch")
    page.get_by_label("Text").fill("Danke an alle, die da waren!")
    page.get_by_label("Add photos or files").set_input_files([
        {"name": "tisch.jpg", "mimeType": "image/jpeg", "buffer": jpeg((200, 40, 40))},
        {"name": "gruppe.jpg", "mimeType": "image/jpeg", "buffer": jpeg((40, 120, 200), (900, 1200))},
    ])
    items = page.locator("li.attachment-edit")
    expect(items).to_have_count(2)
    page.get_by_label("Description of this photo").nth(0).fill("Der lange Tisch im Brauhaus")
    page.get_by_label("Description of this photo").nth(1).fill("Gruppenfoto vor dem Eingang")
    assert_accessible(page, f"post form with photos ({viewport_name})")
    page.get_by_role("button", name="Publish").click()
    gallery = page.locator("ul.gallery img")
    expect(gallery).to_have_count(2)
    expect(gallery.first).to_have_attribute("alt", "Der lange Tisch im Brauhaus")
    assert_fits_viewport(page, f"post with photos ({viewport_name})")
    assert_accessible(page, f"post with photos ({viewport_name})")
    page.locator("ul.gallery a").first.click()
    expect(page.get_by_role("heading", name="Photo 1 of 2")).to_be_visible()
    page.get_by_role("link", name="Next photo").click()
    expect(page.get_by_role("heading", name="Photo 2 of 2")).to_be_visible()
    expect(page.locator("figcaption")).to_have_text("Gruppenfoto vor dem Eingang")
    post_url = page.get_by_role("link", name="Back to").get_attribute("href")

    other = page_factory(viewport)
    watch_requests(other, live_server, seen)
    log_in_as(other, make_user(Role.ALUMNUS, name="Bert"))
    other.goto(post_url)
    other.get_by_label("Your comment").fill("Hier noch eins von mir:")
    picture = base64.b64encode(jpeg((30, 160, 60), (640, 480))).decode()
    other.locator("#id_body, textarea[name='body']").first.evaluate("""(textarea, data) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], "pasted.jpg", {type: "image/jpeg"}));
        textarea.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
    }""", picture)
    expect(other.locator("#comment-form li.attachment-edit")).to_have_count(1)
    other.locator("#comment-form").get_by_label("Description of this photo").fill("Die Theke")
    other.get_by_role("button", name="Publish comment").click()
    expect(other.locator("article.comment ul.gallery img")).to_have_attribute("alt", "Die Theke")
    assert_accessible(other, f"comment with a pasted photo ({viewport_name})")

    foreign = [url for url in seen if not url.startswith(live_server) and not url.startswith("data:")]
    assert not foreign, f"requests to other hosts: {foreign}"
