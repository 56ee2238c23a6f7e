"""Reads of the knowledge base: toolkits by topic, a toolkit with its versions, download
figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Prefetch, Sum

from .models import Toolkit, ToolkitDownloadDay, ToolkitVersion


def toolkits(*, topic: str | None = None) -> list[Toolkit]:
    """Toolkits with at least one version, each with `current_number`."""
    queryset = Toolkit.objects.annotate(current_number=Max("versions__number")).filter(current_number__isnull=False)
    if topic is not None:
        queryset = queryset.filter(topic=topic)
    return list(queryset)


@dataclass
class TopicGroup:
    topic: str
    label: str
    toolkits: list[Toolkit]


def toolkits_by_topic() -> list[TopicGroup]:
    from digitalstadt.business.types import Topic

    groups = {value: TopicGroup(value, label, []) for value, label in Topic.choices}
    for toolkit in toolkits():
        groups[toolkit.topic].toolkits.append(toolkit)
    return [group for group in groups.values() if group.toolkits]


def toolkit_by_slug(*, slug: str) -> Toolkit | None:
    """The toolkit with all its versions (newest first) in `versions_newest_first`."""
    return (Toolkit.objects.filter(slug=slug)
            .prefetch_related(Prefetch("versions", queryset=ToolkitVersion.objects.select_related("published_by")
                                       .order_by("-number"), to_attr="versions_newest_first"))
            .first())


def version_of(*, toolkit: Toolkit, number: int) -> ToolkitVersion | None:
    for version in getattr(toolkit, "versions_newest_first", None) or toolkit.versions.order_by("-number"):
        if version.number == number:
            return version
    return None


def current_version(*, toolkit: Toolkit) -> ToolkitVersion | None:
    versions = getattr(toolkit, "versions_newest_first", None)
    if versions is not None:
        return versions[0] if versions else None
    return toolkit.versions.order_by("-number").first()


def downloads_total() -> int:
    return ToolkitDownloadDay.objects.aggregate(total=Sum("count"))["total"] or 0


def downloads_per_toolkit() -> list[tuple[Toolkit, int]]:
    totals = dict(ToolkitDownloadDay.objects.values_list("toolkit").annotate(total=Sum("count")))
    return [(toolkit, totals.get(toolkit.pk, 0)) for toolkit in Toolkit.objects.all()]
