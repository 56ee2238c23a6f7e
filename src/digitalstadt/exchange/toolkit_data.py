"""The knowledge base's initial content, shipped as data files in data/toolkits/.

`load_initial_toolkits` is called by the data migration (with the historical models, so
every instance has the four toolkits after `migrate`) and by tests whose database was
flushed. It only adds what is missing: a toolkit that exists keeps its versions, and
staff edits are never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "toolkits"
FIRST_CHANGE_NOTE = "Erste Fassung"


def initial_toolkits() -> list[dict]:
    index = json.loads((DATA_DIR / "toolkits.json").read_text(encoding="utf-8"))
    rows = []
    for entry in index["toolkits"]:
        rows.append({**entry, "body": (DATA_DIR / f"{entry['slug']}.md").read_text(encoding="utf-8").strip()})
    return rows


def load_initial_toolkits(*, toolkit_model=None, version_model=None, now=None) -> int:
    """Create the shipped toolkits that do not exist yet, each with version 1; returns
    how many were created."""
    from django.utils import timezone

    if toolkit_model is None or version_model is None:
        from .models import Toolkit, ToolkitVersion

        toolkit_model, version_model = Toolkit, ToolkitVersion
    now = now or timezone.now()
    created = 0
    for entry in initial_toolkits():
        toolkit, made = toolkit_model.objects.get_or_create(slug=entry["slug"], defaults={
            "topic": entry["topic"], "title": entry["title"], "summary": entry["summary"],
            "source_note": entry.get("source_note", ""), "position": entry.get("position", 100)})
        if made:
            version_model.objects.create(toolkit=toolkit, number=1, body=entry["body"],
                                         change_note=FIRST_CHANGE_NOTE, published_at=now)
            created += 1
    return created
