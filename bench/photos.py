"""The photo bench: time and memory to make a 12-megapixel phone photo safe (`python -m bench.photos`).

A 4032 x 3024 JPEG with EXIF orientation, camera and GPS data (as phones write them) goes through
`app.services.attachments.variants` (decode within the pixel limit, draft-mode decoding, turn upright, strip
metadata, three WebP widths) in a fresh process each round; reported: median and worst wall time, and the
process's peak memory above its baseline (VmHWM; Pillow allocates outside Python, so tracemalloc would miss it).
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROUNDS = 5
SIZE = (4032, 3024)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def phone_photo() -> bytes:
    """Noise-like content, so the JPEG is as large as a real photo's (a flat colour would compress to nothing)."""
    from PIL import Image

    image = Image.effect_noise(SIZE, 64).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def one_round(path: str) -> dict:
    """In this process: import, note the baseline, process once, report."""
    import time

    from app import create_app
    from app.services.attachments import variants

    data = Path(path).read_bytes()
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        baseline = _status_kb("VmRSS")
        began = time.perf_counter()
        made, size = variants(data, "phone.jpg")
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "peak_above_baseline_mb": round((_status_kb("VmHWM") - baseline) / 1024, 1),
            "input_mb": round(len(data) / 1024 / 1024, 2), "widths": sorted(made),
            "output_kb": {w: round(len(b) / 1024) for w, b in made.items()}, "largest": size}


def run() -> dict:
    photo = Path("bench/results/phone-12mp.jpg")
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(phone_photo())
    rounds = []
    for _ in range(ROUNDS):
        done = subprocess.run([sys.executable, "-m", "bench.photos", "--one", str(photo)], capture_output=True,
                              text=True, check=True, timeout=120)
        rounds.append(json.loads(done.stdout.strip().splitlines()[-1]))
    times = [r["seconds"] for r in rounds]
    return {"photo": f"{SIZE[0]} x {SIZE[1]} JPEG, {rounds[0]['input_mb']} MB, EXIF with GPS",
            "median_ms": round(statistics.median(times) * 1000), "worst_ms": round(max(times) * 1000),
            "peak_memory_mb": max(r["peak_above_baseline_mb"] for r in rounds), "widths": rounds[0]["widths"],
            "output_kb": rounds[0]["output_kb"], "rounds": ROUNDS}


def table(result: dict) -> str:
    return (f"Photos · {result['photo']} → WebP {result['widths']} ({result['output_kb']} KB): "
            f"median {result['median_ms']} ms, worst {result['worst_ms']} ms, peak memory "
            f"+{result['peak_memory_mb']} MB over {result['rounds']} fresh processes")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one_round(sys.argv[2])))
    else:
        print(table(run()))
