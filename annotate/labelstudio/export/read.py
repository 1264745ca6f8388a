"""Reading a Label Studio export (JSON or JSON_MIN) into typed records.

This checks what the file format promises: a list of tasks, items with ids and authors, regions of
the project's Labels control with integer offsets, one label and a `text`. Whether each span fits
its task's text (and the schema, and its neighbours) is checked by `convert`, with the contract's
own span checks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinbiao.gold import JinbiaoError, Span

from ..config import FROM_NAME, TO_NAME
from .records import ANNOTATION, DRAFT, JSON, JSON_MIN, PREDICTION, SKIPPED, ExportTask, Item, Region

# JSON_MIN flattens the task data into each record beside these fields of the annotation
_JSON_MIN_META = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement", "history"}


class ExportFormatError(JinbiaoError):
    """Not a Label Studio export we can read."""


def load_export(path: str | os.PathLike[str]) -> Any:
    """The parsed JSON of an export file, or an `ExportFormatError` naming the file."""
    path = Path(path)
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ExportFormatError(f"{path}: no such file; give the JSON file exported from Label Studio") from None
    except OSError as error:
        raise ExportFormatError(f"{path}: cannot read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportFormatError(
            f"{path}: not JSON ({error}); export the project as JSON or JSON_MIN from Label Studio"
        ) from None


def detect_format(payload: Any) -> str:
    if not isinstance(payload, list):
        raise ExportFormatError(
            "not a Label Studio export: expected a list of tasks; export the project as JSON or JSON_MIN"
        )
    for record in payload:
        if not isinstance(record, dict):
            break
        if "data" in record or "annotations" in record:
            return JSON
        if "annotation_id" in record or "annotator" in record:
            return JSON_MIN
        break
    else:
        return JSON  # empty export
    raise ExportFormatError(
        "not a Label Studio export: its records have neither `data` (JSON) nor `annotator` (JSON_MIN)"
    )


def read_tasks(records: Iterable[Any], fmt: str, *, users: Mapping[int, str] | None = None) -> Iterator[ExportTask]:
    """The tasks of an export's records (a list, or a stream: `export.stream.export_records`), one
    at a time. JSON has one record per task; JSON_MIN one per annotation, the records of a task
    one after another (as Label Studio writes them)."""
    users = users or {}
    if fmt == JSON:
        for record in records:
            yield _read_json_task(record, users)
    else:
        yield from _read_json_min(records, users)


# ------------------------------------------------------------------------------------ JSON


def _read_json_task(record: Any, users: Mapping[int, str]) -> ExportTask:
    if not isinstance(record, dict):
        return ExportTask(None, None)
    task = ExportTask(_int_or_none(record.get("id")), record.get("data"))
    versions = _prediction_versions(record)
    for annotation in record.get("annotations") or []:
        if not isinstance(annotation, dict):
            task.listed_by_id.annotations += 1
            continue
        who, user_id = _user(annotation.get("completed_by"), users)
        kind = SKIPPED if annotation.get("was_cancelled") else ANNOTATION
        item = _item(kind, task.task_id, annotation, who, user_id, ground_truth=bool(annotation.get("ground_truth")))
        task.items.append(_with_history(item, annotation, users, versions))
    for draft in record.get("drafts") or []:
        if not isinstance(draft, dict):
            task.listed_by_id.drafts += 1
            continue
        who, user_id = _draft_user(draft, users)
        task.items.append(_item(DRAFT, task.task_id, draft, who, user_id))
    for prediction in record.get("predictions") or []:
        if not isinstance(prediction, dict):
            task.listed_by_id.predictions += 1
            continue
        who = str(prediction.get("model_version") or "undefined")
        task.items.append(_item(PREDICTION, task.task_id, prediction, who, None))
    return task


def _prediction_versions(record: dict[str, Any]) -> dict[int, str]:
    """The model version of each prediction of a task (by prediction id), as far as the export says."""
    versions: dict[int, str] = {}
    for prediction in record.get("predictions") or []:
        if isinstance(prediction, dict) and _int_or_none(prediction.get("id")) is not None:
            versions[prediction["id"]] = str(prediction.get("model_version") or "undefined")
    for annotation in record.get("annotations") or []:
        nested = annotation.get("prediction") if isinstance(annotation, dict) else None
        if isinstance(nested, dict) and _int_or_none(nested.get("id")) is not None:
            versions.setdefault(nested["id"], str(nested.get("model_version") or "undefined"))
    return versions


def _with_history(
    item: Item, annotation: dict[str, Any], users: Mapping[int, str], versions: Mapping[int, str]
) -> Item:
    """The item with who last changed it and the prediction it started from."""
    updated_by = annotation.get("updated_by")
    changed_by = _user(updated_by, users)[0] if updated_by not in (None, "") else None
    parent = _int_or_none(annotation.get("parent_prediction"))
    started = versions.get(parent, f"prediction {parent}") if parent is not None else None
    return replace(item, updated_by=changed_by, parent_prediction=parent, started_from=started)


def _item(
    kind: str, task_id: int | None, record: dict[str, Any], who: str, user_id: int | None, *, ground_truth: bool = False
) -> Item:
    if "result" in record:
        regions, unreadable = _read_regions(record["result"], who, keep_score=kind == PREDICTION)
    else:
        regions, unreadable = (), "it has no `result`: a damaged export; export the project again"
    return Item(
        kind,
        task_id,
        _int_or_none(record.get("id")),
        who,
        regions,
        unreadable,
        user_id,
        ground_truth,
        str(record.get("updated_at") or ""),
        str(record.get("created_at") or ""),
    )


def _read_regions(
    result: Any, origin: str | None = None, *, keep_score: bool = False
) -> tuple[tuple[Region, ...], str | None]:
    """The regions of one item's `result` (spans made by `origin`), or why `result` is unreadable
    (a null `result` is never read as no regions: Label Studio writes `[]` for those). Only
    predictions keep a region's score: a person's span carries none, even one accepted or changed
    from a prediction (Label Studio copies the model's score along)."""
    if result is None:
        return (), "its `result` is null, not a list of regions: a damaged export; export the project again"
    if not isinstance(result, list):
        return (), f"`result` is a {type(result).__name__}, not a list of regions"
    return tuple([_region(region, index, origin, keep_score) for index, region in enumerate(result)]), None


def _region(region: Any, index: int, origin: str | None, keep_score: bool = False) -> Region:
    if not isinstance(region, dict):
        return Region(f"#{index}", reason=f"not a region but a {type(region).__name__}")
    region_id = str(region["id"]) if region.get("id") else f"#{index}"
    kind, from_name, to_name = region.get("type"), region.get("from_name"), region.get("to_name")
    if kind != "labels" or from_name != FROM_NAME or to_name != TO_NAME:
        return Region(
            region_id,
            reason=f"a {kind!r} result from {from_name!r} to {to_name!r}; the labeling config has only "
            f"Labels {FROM_NAME!r} on Text {TO_NAME!r}",
        )
    score = region.get("score") if keep_score else None
    made = region.get("origin")
    found = _labels_value(region.get("value"), region_id, origin, float(score) if type(score) in (int, float) else None)
    return replace(found, origin=made if isinstance(made, str) else None)


def _labels_value(value: Any, region_id: str, origin: str | None, score: float | None = None) -> Region:
    """A Labels region's `value`: integer offsets, exactly one label, and the text it covers.
    (Exact type checks: JSON gives plain ints, strs and lists, and a pull reads every region.)"""
    if type(value) is not dict:
        return Region(region_id, reason="the region has no `value`")
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:
        return Region(region_id, reason=f"start and end must be integers, got {start!r} and {end!r}")
    names = value.get("labels")
    if type(names) is not list or len(names) != 1 or type(names[0]) is not str:
        return Region(region_id, reason=f"a region needs exactly one label, it has {names!r}")
    text = value.get("text")
    if type(text) is not str:
        reason = f"value.text must be a string, it is {text!r}" if "text" in value else "the region has no value.text"
        return Region(region_id, reason=reason)
    return Region(region_id, Span(start, end, names[0], text, score, origin))


# -------------------------------------------------------------------------------- JSON_MIN


def _read_json_min(records: Iterable[Any], users: Mapping[int, str]) -> Iterator[ExportTask]:
    """JSON_MIN has one record per annotation (skipped ones and drafts left out), task data
    flattened into it, and regions as bare values under the control's name, without ids. The
    records of one task follow each other; a task id met again later is another task (and
    reported as listed twice)."""
    task: ExportTask | None = None
    for record in records:
        if not isinstance(record, dict):
            if task is not None:
                yield task
            task = None
            yield ExportTask(None, None)
            continue
        task_id = _int_or_none(record.get("id"))
        if task is None or task_id is None or task.task_id != task_id:
            if task is not None:
                yield task
            data = {k: v for k, v in record.items() if k not in _JSON_MIN_META and k != FROM_NAME}
            task = ExportTask(task_id, data)
        if record.get("annotation_id") is None:
            continue  # a task without annotations
        who, user_id = _user(record.get("annotator"), users)
        values = record.get(FROM_NAME)
        values = [] if values is None else values
        if isinstance(values, list):
            regions, unreadable = tuple(_labels_value(v, f"#{n}", who) for n, v in enumerate(values)), None
        else:
            regions, unreadable = (), f"`{FROM_NAME}` is a {type(values).__name__}, not a list of regions"
        task.items.append(
            Item(
                ANNOTATION,
                task_id,
                _int_or_none(record.get("annotation_id")),
                who,
                regions,
                unreadable,
                user_id,
                updated_at=str(record.get("updated_at") or ""),
                created_at=str(record.get("created_at") or ""),
            )
        )
    if task is not None:
        yield task


# ----------------------------------------------------------------------------------- fields


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _user(completed_by: Any, users: Mapping[int, str] | None = None) -> tuple[str, int | None]:
    """(annotator name, user id): the email when the export (or `users`) has it, else `user-<id>`."""
    users = users or {}
    if isinstance(completed_by, dict):
        user_id = _int_or_none(completed_by.get("id"))
        email = completed_by.get("email") or (users.get(user_id) if user_id is not None else None)
        if email:
            return str(email), user_id
        return (f"user-{user_id}" if user_id is not None else "unknown"), user_id
    if isinstance(completed_by, bool):
        return "unknown", None
    if isinstance(completed_by, int):
        return users.get(completed_by, f"user-{completed_by}"), completed_by
    if isinstance(completed_by, str) and completed_by:
        return completed_by, None
    return "unknown", None


def _draft_user(draft: dict[str, Any], users: Mapping[int, str] | None = None) -> tuple[str, int | None]:
    name = draft.get("user")
    user_id = None
    created = draft.get("created_username")
    if isinstance(created, str) and "," in created:
        tail = created.rsplit(",", 1)[1].strip()
        user_id = int(tail) if tail.isdigit() else None
    if isinstance(name, str) and name:
        return name, user_id
    return _user(user_id, users)
