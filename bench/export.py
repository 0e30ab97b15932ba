"""The data-export bench: "download my data" for a person with 10,000 comments (`python -m bench.export`).

A fresh SQLite database from the migrations, one person with one post and N comments (Core inserts), then
`app.services.data_export.build` in this process: wall time, ZIP size, and peak memory above the baseline
(VmHWM). The ZIP is written to a spooled temporary file, so memory stays bounded as the data grows.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.photos import _status_kb

COMMENTS = 10_000


def run(comments: int = COMMENTS) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from app import create_app
    from app.extensions import db
    from app.models.post import Comment, Post
    from app.models.types import utcnow
    from app.services.accounts import create_account
    from app.services.data_export import build

    path = Path("bench/results/bench-export.sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path.resolve()}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        upgrade()
        user = create_account("export@example.org", "Export Person", "bench-export-password-1", verified=True)
        db.session.flush()
        now = utcnow()
        post_id = db.session.execute(insert(Post).values(
            kind="discussion", title="Thread", body_source="x", body_html="<p>x</p>", excerpt="x",
            visibility="public", status="published", author_id=user.id, created_at=now, last_activity_at=now,
            public_teaser=False, pinned=False, locked=False, comment_count=comments, like_count=0,
        )).inserted_primary_key[0]
        text = "Ein Kommentar mit ein paar Sätzen, wie Menschen sie schreiben. " * 4
        db.session.execute(insert(Comment), [
            {"post_id": post_id, "author_id": user.id, "body_source": text, "body_html": f"<p>{text}</p>",
             "status": "published", "created_at": now, "like_count": 0, "path": str(n).zfill(10), "depth": 0}
            for n in range(1, comments + 1)])
        user_id = user.id
        db.session.commit()
    with app.test_request_context():
        from app.models.user import User

        person = db.session.get(User, user_id)
        baseline = _status_kb("VmRSS")
        began = time.perf_counter()
        archive = build(person)
        seconds = time.perf_counter() - began
        size = len(archive.read())
    return {"comments": comments, "seconds": round(seconds, 2), "zip_mb": round(size / 1024 / 1024, 2),
            "peak_memory_above_baseline_mb": round((_status_kb("VmHWM") - baseline) / 1024, 1)}


if __name__ == "__main__":
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else COMMENTS)
    print(f"Data export · {result['comments']:,} comments: {result['seconds']} s, ZIP {result['zip_mb']} MB, "
          f"peak memory +{result['peak_memory_above_baseline_mb']} MB")
