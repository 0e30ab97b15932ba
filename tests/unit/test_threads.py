"""The path arithmetic behind thread slices."""

from app.services.threads import _successor


def test_the_successor_bounds_a_subtree_with_digits_only():
    assert _successor("0000000005") == "0000000006"
    assert _successor("0000000005.0000000009") == "0000000005.0000000010"
    child, sibling = "0000000005.0000000009.0000000123", "0000000005.0000000010"
    assert "0000000005.0000000009" < child < _successor("0000000005.0000000009") <= sibling
    # With the dots ignored, as some collations do, the order is the same.
    strip = lambda path: path.replace(".", "")  # noqa: E731
    assert strip("0000000005.0000000009") < strip(child) < strip(_successor("0000000005.0000000009"))
