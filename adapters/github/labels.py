"""Label names: which we manage, and an issue's new label list for changed values (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.model import FieldValue, Kind, Stage, Track


def managed_labels(mapping: GitHubMapping) -> dict[str, str]:
    """Every label name we manage (folded) -> its style group."""
    names: dict[str, str] = {n.casefold(): "kind" for n in mapping.labels.kinds.values()}
    names.update({n.casefold(): "track" for n in mapping.labels.tracks.values()})
    if mapping.mode == "labels" or mapping.coarse:  # coarse boards: refinement labels
        names.update({n.casefold(): "stage" for n in mapping.labels.stages.values()})
    names[mapping.labels.blocked.casefold()] = "blocked"
    return names


def points_label(mapping: GitHubMapping, points: float | None) -> str | None:
    prefix = mapping.labels.points_prefix
    if prefix is None or points is None or mapping.mode != "labels":
        return None
    return f"{prefix}{points:g}"


def _is_points(mapping: GitHubMapping, name: str) -> bool:
    prefix = mapping.labels.points_prefix
    return mapping.mode == "labels" and prefix is not None and name.startswith(prefix)


def user_labels(mapping: GitHubMapping, names: list[str]) -> tuple[str, ...]:
    managed = managed_labels(mapping)
    kept = (n for n in names if n.casefold() not in managed and not _is_points(mapping, n))
    return tuple(sorted(kept))


def merge_labels(
    mapping: GitHubMapping, current: list[str], values: Mapping[str, FieldValue]
) -> list[str]:
    """The issue's new label list: the groups `values` names are replaced, the rest kept."""
    labels = mapping.labels
    groups: dict[str, list[str]] = {}
    if values.get("kind"):
        groups["kind"] = [labels.kinds[Kind(str(values["kind"]))]]
    if values.get("track"):
        groups["track"] = [labels.tracks[Track(str(values["track"]))]]
    if "stage" in values and values["stage"] and (mapping.mode == "labels" or mapping.coarse):
        label = mapping.stage_label(Stage(str(values["stage"])))
        groups["stage"] = [label] if label else []
    if "blocked" in values:
        groups["blocked"] = [labels.blocked] if values["blocked"] else []
    managed = managed_labels(mapping)
    kept: list[str] = []
    for name in current:
        group = managed.get(name.casefold())
        if group in groups:
            continue
        if _is_points(mapping, name) and "points" in values:
            continue
        if group is None and not _is_points(mapping, name) and "labels" in values:
            continue
        kept.append(name)
    added = [name for group in groups.values() for name in group]
    if "points" in values:
        points = values["points"]
        label = points_label(mapping, float(points) if isinstance(points, int | float) else None)
        added += [label] if label else []
    if "labels" in values and isinstance(values["labels"], tuple):
        added += list(values["labels"])
    return list(dict.fromkeys(kept + added))


