"""Bad input, tried as a careless or unlucky user would (issue 13): every case exits 2 with one
line on stderr that names the file, task or span and what to do, and leaves the working
directory exactly as it was (every byte, every name, hidden ones too).

The cases run in-process (`jinbiao.cli.main`) in a copy of a user's directory (`work`): the seed
articles in arts/, a copy of the gold in gold/ (marked as gold), the rules baseline's predictions
in preds.jsonl, mention lists in mentions/ and a recorded Label Studio snapshot in export.json.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from cli_helpers import SEED_IDS, export_tasks, one_line, replace_json_lines, run, tree, write_export

G0, G1, G2 = SEED_IDS[:3]
GOLD_REFUSAL = "holds gold annotations; this command does not write gold: choose another output path"


def refused(capsys, work: Path, argv: list[str], expected: str, *, regex: bool = False, command: str | None = None):
    """Run `argv`; assert exit 2, exactly `expected` as the one line after ``jinbiao CMD: error: ``,
    and an unchanged working directory."""
    before = tree(work)
    result = run(capsys, *argv)
    line = one_line(result.err)
    prefix = f"jinbiao {command or argv[0]}: error: "
    assert result.code == 2, result.err
    if regex:
        assert re.fullmatch(re.escape(prefix) + expected, line), line
    else:
        assert line == prefix + expected
    assert tree(work) == before
    return line


# ------------------------------------------------------------- 1. gold overwritten with no flag


@pytest.mark.parametrize(
    ("argv", "target"),
    [
        (["extract", "arts", "--baseline", "rules", "-q", "-o", f"gold/{G0}.json"], f"gold/{G0}.json"),
        (["extract", "arts", "--baseline", "rules", "-q", "-o", "gold/new.jsonl"], "gold/new.jsonl"),
        (["score", "--gold", "gold", "--pred", "preds.jsonl", "-o", f"gold/{G0}.json"], f"gold/{G0}.json"),
        (["errors", "--gold", "gold", "--pred", "preds.jsonl", "-o", "gold/errors.txt"], "gold/errors.txt"),
        (["agree", "gold", "preds.jsonl", "-o", f"gold/{G1}.json"], f"gold/{G1}.json"),
        (["compare", "preds.jsonl", "preds.jsonl", "--gold", "gold", "-o", "gold/c.txt"], "gold/c.txt"),
        (["prelabel", "arts", "--baseline", "rules", "-q", "-o", f"gold/{G0}.json"], f"gold/{G0}.json"),
        (["prelabel", "arts", "--baseline", "rules", "-q", "-o", "t.json", "--config", "gold/c.xml"], "gold/c.xml"),
        (["convert", "preds.jsonl", "--gold", "gold", "--to", "conll", "-o", "gold/x.conll"], "gold/x.conll"),
        (["leaderboard", "--gold", "gold", "--baseline", "rules", "-o", "gold"], "gold"),
        (["leaderboard", "--gold", "gold", "--baseline", "rules", "-o", "gold/results"], "gold/results"),
        (["pull", "--from-file", "export.json", "-o", "gold", "--overwrite"], "gold"),
        (["pull", "--from-file", "export.json", "-o", "gold/pulled"], "gold/pulled"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_no_command_but_the_gold_writers_writes_among_gold_files(capsys, work, argv, target):
    refused(capsys, work, argv, f"{target}: gold {GOLD_REFUSAL}")


def test_normalize_into_the_gold_directory_is_refused(capsys, work):
    # the refusal names a file it would have written there, or the directory itself
    expected = rf"gold(/{G0}\.txt)?: gold {re.escape(GOLD_REFUSAL)}"
    refused(capsys, work, ["normalize", "arts", "-o", "gold"], expected, regex=True)


def test_normalize_into_a_new_directory_inside_the_gold_is_refused(capsys, work):
    expected = rf"gold/normalized(/{G0}\.txt)?: gold {re.escape(GOLD_REFUSAL)}"
    refused(capsys, work, ["normalize", "arts", "-o", "gold/normalized"], expected, regex=True)


def test_training_into_the_gold_directory_is_refused(capsys, work):
    # the refusal names the model file it would have written there, or the directory itself
    expected = rf"gold(/[^:/]+)?: gold {re.escape(GOLD_REFUSAL)}"
    refused(capsys, work, ["train", "--gold", "gold", "--model-dir", "gold"], expected, regex=True)


def test_gold_from_mentions_replaces_a_gold_directory_only_when_told(capsys, work):
    argv = ["gold", "from-mentions", "mentions", "--articles", "arts", "--annotator", "me", "-o", "gold"]
    refused(capsys, work, argv, "gold exists and is not empty; pass --overwrite to replace it")
    assert run(capsys, *argv, "--overwrite").code == 0  # its job, and the flag given: replaced whole
    assert sorted(p.name for p in (work / "gold").iterdir()) == [".jinbiao-gold", f"{G0}.json", f"{G1}.json"]


def test_the_gold_refusal_as_a_user_sees_it(work):
    from cli_helpers import jinbiao

    before = tree(work)
    done = jinbiao("extract", "arts", "--baseline", "rules", "-q", "-o", f"gold/{G0}.json", cwd=work)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"jinbiao extract: error: gold/{G0}.json: gold {GOLD_REFUSAL}\n"
    assert tree(work) == before


# -------------------------------------------------------- 2. corrupt or ambiguous Label Studio exports


def corrupt(work: Path, change) -> Path:
    tasks = export_tasks()
    change(tasks)
    return write_export(work / "corrupt.json", tasks)


def pull_refused(capsys, work: Path, export: Path, *needles: str, extra: tuple[str, ...] = ()) -> str:
    """`pull --from-file` refuses: exit 2, every line a problem or the error line, the needles
    named, nothing written."""
    before = tree(work)
    result = run(capsys, "pull", "--from-file", export, "-o", "pulled", *extra)
    assert "Traceback" not in result.err
    assert result.code == 2, result.err + result.out
    lines = result.err.splitlines()
    assert lines and lines[-1].startswith("jinbiao pull: error: "), result.err
    assert all(line.startswith("problem: ") for line in lines[:-1]), result.err
    for needle in needles:
        assert needle in result.err, (needle, result.err)
    assert tree(work) == before
    return result.err


def test_an_annotation_with_a_null_result_is_refused(capsys, work):
    def null(tasks):
        tasks[0]["annotations"][0]["result"] = None

    pull_refused(capsys, work, corrupt(work, null), "task 1", "annotation 1", "result")


def test_a_null_result_never_becomes_an_empty_gold_file(capsys, work):
    def only_doc_b_with_a_null_result(tasks):
        del tasks[0]  # doc-a's recorded text has \r\n, which normalization changes
        tasks[0]["annotations"][0]["result"] = None

    export = corrupt(work, only_doc_b_with_a_null_result)
    corpus = work / "lscorpus"
    corpus.mkdir()
    task = export_tasks()[1]
    (corpus / f"{task['data']['doc_id']}.txt").write_text(task["data"]["text"], encoding="utf-8")
    annotation = task["annotations"][0]["id"]
    pull_refused(
        capsys,
        work,
        export,
        "task 2",
        f"annotation {annotation}",
        "result",
        extra=("--corpus", str(corpus), "--write-gold"),
    )


def test_an_annotation_without_a_result_is_refused(capsys, work):
    def missing(tasks):
        del tasks[0]["annotations"][0]["result"]

    pull_refused(capsys, work, corrupt(work, missing), "task 1", "annotation 1", "result")


def test_a_task_listed_twice_is_refused(capsys, work):
    def twice(tasks):
        tasks.append(json.loads(json.dumps(tasks[0])))

    pull_refused(capsys, work, corrupt(work, twice), "task 1", "twice")


@pytest.mark.parametrize("where", ["two tasks", "one task"])
def test_a_duplicated_annotation_id_is_refused(capsys, work, where):
    def duplicate(tasks):
        if where == "two tasks":
            tasks[1]["annotations"][0]["id"] = tasks[0]["annotations"][0]["id"]
        else:
            tasks[0]["annotations"].append(json.loads(json.dumps(tasks[0]["annotations"][0])))

    pull_refused(capsys, work, corrupt(work, duplicate), "annotation 1", "twice")


def test_an_empty_export_is_refused(capsys, work):
    write_export(work / "empty.json", [])
    err = pull_refused(capsys, work, work / "empty.json", "empty.json")
    assert one_line(err)


def test_an_object_instead_of_a_task_list_names_the_file(capsys, work):
    write_export(work / "object.json", {"tasks": export_tasks()})
    refused(
        capsys,
        work,
        ["pull", "--from-file", "object.json", "-o", "pulled"],
        "object.json: not a Label Studio export: expected a list of tasks; export the project as JSON or JSON_MIN",
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not JSON (Expecting value: line 1 column 1 (char 0))"),
        (b'[{"id": 1,', "not JSON (Expecting property name enclosed in double quotes: line 1 column 11 (char 10))"),
        (b"\xff\xfe[]", "not JSON ("),
    ],
    ids=["empty file", "cut short", "not UTF-8"],
)
def test_an_export_that_is_not_json_is_refused_with_its_name(capsys, work, content, expected):
    (work / "bad.json").write_bytes(content)
    line = refused(
        capsys,
        work,
        ["pull", "--from-file", "bad.json", "-o", "pulled"],
        f"bad.json: {re.escape(expected)}.*",
        regex=True,
    )
    assert line.endswith("export the project as JSON or JSON_MIN from Label Studio")


def test_a_missing_export_file_is_named(capsys, work):
    refused(
        capsys,
        work,
        ["pull", "--from-file", "nothere.json", "-o", "pulled"],
        "nothere.json: no such file; give the JSON file exported from Label Studio",
    )


def test_existing_pull_output_needs_the_flag(capsys, work):
    (work / "pulled").mkdir()
    (work / "pulled" / "keep.txt").write_text("mine")
    refused(
        capsys,
        work,
        ["pull", "--from-file", "export.json", "-o", "pulled"],
        "pulled exists and is not empty; pass --overwrite to replace it",
    )


# ------------------------------------------------------------------ 3. half-written outputs


def long_named_third_article(work: Path) -> str:
    """Rename the third seed so that its id fills a file name: its `.offsets.json` (or a
    temporary beside its gold file) cannot be created, so writing fails on the third document."""
    stem = G2[:3] + "x" * (245 - 3)
    (work / "arts" / f"{G2}.txt").rename(work / "arts" / f"{stem}.txt")
    return stem


def test_normalize_that_fails_on_the_third_document_writes_nothing(capsys, work):
    stem = long_named_third_article(work)
    refused(
        capsys,
        work,
        ["normalize", "arts", "-o", "normalized"],
        f"normalized/{stem}.offsets.json: cannot write (File name too long); nothing was written",
    )


def test_gold_from_mentions_that_fails_on_the_third_document_writes_nothing(capsys, work):
    stem = long_named_third_article(work)
    (work / "mentions" / f"{stem}.jsonl").write_text('{"line": 1, "text": "濟南市", "label": "GPE"}\n', "utf-8")
    argv = ["gold", "from-mentions", "mentions", "--articles", "arts", "--annotator", "me", "-o", "built"]
    refused(
        capsys, work, argv, f"built/{stem}.json: cannot write (File name too long); nothing was written", command="gold"
    )


def test_gold_from_mentions_that_cannot_align_the_third_document_writes_nothing(capsys, work):
    (work / "mentions" / f"{G2}.jsonl").write_text('{"line": 1, "text": "不在这里", "label": "GPE"}\n', "utf-8")
    argv = ["gold", "from-mentions", "mentions", "--articles", "arts", "--annotator", "me", "-o", "built"]
    refused(
        capsys,
        work,
        argv,
        f"document {G2}: '不在这里' (GPE) is not on line 1 (or every occurrence is already taken)",
        command="gold",
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            '{"line": true, "text": "北京", "label": "GPE"}',
            "line and n must be whole numbers from 1, got True and None",
        ),
        ('{"line": 1.5, "text": "北京", "label": "GPE"}', "line and n must be whole numbers from 1, got 1.5 and None"),
        (
            '{"line": 1, "text": "", "label": "GPE"}',
            "text must be a non-empty string and label a string, got '' and 'GPE'",
        ),
        ('["line", 1]', "a JSON list, not an object"),
        ('{"line": 1, "text": "北京"', "Expecting ',' delimiter: line 1 column 25 (char 24)"),
    ],
    ids=["boolean line", "fractional line", "empty text", "a list", "cut short"],
)
def test_a_bad_mention_record_is_named_by_file_and_line(capsys, work, record, expected):
    (work / "mentions" / f"{G0}.jsonl").write_text(f"{record}\n", "utf-8")
    argv = ["gold", "from-mentions", "mentions", "--articles", "arts", "--annotator", "me", "-o", "built"]
    refused(capsys, work, argv, f"mentions/{G0}.jsonl: line 1 is not a mention record ({expected})", command="gold")


# ----------------------------------------------------- 4. what used to be a traceback: one line


def test_existing_mentions_output_needs_the_flag(capsys, work):
    (work / "built").mkdir()
    (work / "built" / "keep.json").write_text("{}")
    argv = ["gold", "from-mentions", "mentions", "--articles", "arts", "--annotator", "me", "-o", "built"]
    refused(capsys, work, argv, "built exists and is not empty; pass --overwrite to replace it", command="gold")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["score", "--gold", "gold", "--pred", "preds.jsonl", "--digits", "-1"],
            "argument --digits: -1 is negative; give 0 or more",
        ),
        (
            ["errors", "--gold", "gold", "--pred", "preds.jsonl", "--digits", "-2"],
            "argument --digits: -2 is negative; give 0 or more",
        ),
        (["agree", "gold", "preds.jsonl", "--digits", "-1"], "argument --digits: -1 is negative; give 0 or more"),
        (
            ["errors", "--gold", "gold", "--pred", "preds.jsonl", "--context", "-3"],
            "argument --context: -3 is negative; give 0 or more",
        ),
        (
            ["errors", "--gold", "gold", "--pred", "preds.jsonl", "--limit", "-1"],
            "argument --limit: -1 is negative; give 0 or more",
        ),
        (
            ["score", "--gold", "gold", "--pred", "preds.jsonl", "--ci", "--n-resamples", "0"],
            "argument --n-resamples: 0 is below 1; give 1 or more",
        ),
        (
            ["score", "--gold", "gold", "--pred", "preds.jsonl", "--ci", "--confidence", "1.5"],
            "argument --confidence: 1.5 is not between 0 and 1 (such as 0.95)",
        ),
        (
            ["score", "--gold", "gold", "--pred", "preds.jsonl", "--ci", "--confidence", "nan"],
            "argument --confidence: 'nan' is not a finite number",
        ),
        (
            ["score", "--gold", "gold", "--pred", "preds.jsonl", "--digits", "two"],
            "argument --digits: 'two' is not a whole number",
        ),
        (
            ["compare", "preds.jsonl", "preds.jsonl", "--gold", "gold", "--n-resamples", "0"],
            "argument --n-resamples: 0 is below 1; give 1 or more",
        ),
        (
            ["leaderboard", "--gold", "gold", "--n-resamples", "-5"],
            "argument --n-resamples: -5 is below 1; give 1 or more",
        ),
        (["train", "--gold", "gold", "--c1", "-1"], "argument --c1: -1 is negative; give 0 or more"),
        (
            ["score", "--gold", "gold", "--pred", "preds.jsonl", "--scheme", "fuzzy"],
            "argument --scheme: invalid choice: 'fuzzy' "
            "(choose from 'strict', 'exact', 'partial', 'type', 'chars', 'all')",
        ),
        (["score", "--gold", "gold"], "the following arguments are required: --pred"),
    ],
    ids=lambda v: " ".join(v[-2:]) if isinstance(v, list) else None,
)
def test_a_bad_option_is_one_line_before_any_work(capsys, work, argv, expected):
    refused(capsys, work, argv, f"{expected} (see `jinbiao {argv[0]} --help`)")


@pytest.mark.parametrize("command", ["normalize", "extract", "prelabel"])
def test_an_invalid_chrome_pattern_is_one_line(capsys, work, command):
    argv = [command, "arts", "--chrome-pattern", "(收藏"]
    if command != "normalize":
        argv += ["--baseline", "rules", "-q", "-o", "out.x"]
    refused(
        capsys,
        work,
        argv,
        r"(argument --chrome-pattern: '\(收藏' is not a regular expression \(.*\) \(see `jinbiao \w+ --help`\)"
        r"|chrome pattern '\(收藏' is not a regular expression \(missing \), unterminated subpattern at position 0\))",
        regex=True,
    )


@pytest.mark.parametrize(
    "argv", [["push", "--project", "seeds", "--no-baseline"], ["pull", "--project", "seeds", "-o", "pulled"]]
)
def test_a_non_ascii_api_key_is_one_line(capsys, work, monkeypatch, argv):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "ключ-0123456789")
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")
    line = refused(
        capsys, work, [*argv, "--corpus", "arts"] if argv[0] == "push" else argv, "LABEL_STUDIO_API_KEY .*", regex=True
    )
    assert "ключ" not in line  # the key itself is never shown


def test_batch_size_zero_is_refused_before_connecting(capsys, work, monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    # nothing listens on port 9: a connection attempt would be a different error
    refused(
        capsys,
        work,
        [
            "push",
            "--project",
            "seeds",
            "--corpus",
            "arts",
            "--no-baseline",
            "--batch-size",
            "0",
            "--url",
            "http://127.0.0.1:9",
        ],
        r"(argument --batch-size: 0 is below 1; give 1 or more \(see `jinbiao push --help`\)"
        r"|a batch size of 0 sends nothing; --batch-size must be at least 1)",
        regex=True,
    )


# --------------------------------------------------- 5. nonsense accepted, messages unclear


def prediction_with(work: Path, **fields) -> Path:
    def change(record):
        record["spans"][0].update(fields)

    return replace_json_lines(work / "preds.jsonl", change)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"score": float("nan")}, "score nan is not a number"),
        ({"score": float("inf")}, "score must be a finite number, not inf"),
        ({"start": True}, "start True is a boolean"),
        ({"end": False}, "end False is a boolean"),
        ({"start": 0.0}, "start 0.0 is a float"),
        ({"end": "2"}, "end '2' is a str"),
        ({"start": None}, "start None is a NoneType"),
    ],
    ids=["NaN score", "infinite score", "boolean start", "boolean end", "float offset", "string offset", "null offset"],
)
@pytest.mark.parametrize("command", ["score", "errors"])
def test_nonsense_in_a_prediction_file_is_refused_naming_file_document_and_span(
    capsys, work, command, fields, expected
):
    prediction_with(work, **fields)
    line = refused(
        capsys,
        work,
        [command, "--gold", "gold", "--pred", "preds.jsonl"],
        rf"preds\.jsonl:1: document {G0}: span.*",
        regex=True,
    )
    assert expected in line


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"score": float("nan")}, "span #0 is malformed: score must be a finite number, got nan"),
        ({"start": True}, "span #0 is malformed: start and end must be integers, got True and "),
        ({"end": 7.0}, "span #0 is malformed: start and end must be integers, got "),
    ],
    ids=["NaN score", "boolean offset", "float offset"],
)
def test_nonsense_in_a_gold_file_is_refused_naming_file_document_and_span(capsys, work, fields, expected):
    path = work / "gold" / f"{G0}.json"
    data = json.loads(path.read_text("utf-8"))
    data["spans"][0].update(fields)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    line = refused(capsys, work, ["gold", "stats", "gold"], f"gold/{G0}.json: document {G0}: .*", regex=True)
    assert expected in line


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["normalize", "loop.txt"], "loop.txt: a symbolic link loop (following it never reaches a file)"),
        (
            ["normalize", "linked"],
            "linked/a.txt: a symbolic link loop (following it never reaches a file); fix or remove the link",
        ),
        (["normalize", "dangling.txt"], "dangling.txt: a broken symbolic link (to nowhere.txt, which does not exist)"),
        (
            ["extract", "loop.txt", "--baseline", "rules", "-q", "-o", "p.jsonl"],
            "loop.txt: a symbolic link loop (following it never reaches a file)",
        ),
        (
            ["score", "--gold", "gold", "--pred", "loop.jsonl"],
            "loop.jsonl: a symbolic link loop (following it never reaches a file)",
        ),
        (["gold", "stats", "loop.json"], "loop.json: a symbolic link loop (following it never reaches a file)"),
        (
            ["gold", "check", "loop.json"],
            "loop.json: a symbolic link loop (following it never reaches a file); point at a gold directory",
        ),
        (
            ["pull", "--from-file", "loop.json", "-o", "pulled"],
            "loop.json: cannot read (Too many levels of symbolic links)",
        ),
    ],
    ids=lambda v: " ".join(v[:2]) if isinstance(v, list) else None,
)
def test_a_symbolic_link_loop_is_reported_as_such(capsys, work, argv, expected):
    for name in ("loop.txt", "loop.jsonl", "loop.json"):
        (work / name).symlink_to(name)
    (work / "dangling.txt").symlink_to("nowhere.txt")
    (work / "linked").mkdir()
    shutil.copy(work / "arts" / f"{G0}.txt", work / "linked")
    (work / "linked" / "a.txt").symlink_to("b.txt")
    (work / "linked" / "b.txt").symlink_to("a.txt")
    refused(capsys, work, argv, expected)


def test_a_gb18030_article_is_one_warning_line(capsys, work):
    (work / "gb.txt").write_bytes("济南市国资委5月9日召开会议。\n".encode("gb18030"))
    before = tree(work)
    result = run(capsys, "normalize", "gb.txt")
    assert result.code == 0
    assert result.err == "jinbiao normalize: warning: gb.txt: not UTF-8, decoded as GB18030\n"
    assert result.out.startswith("document")
    assert tree(work) == before


def test_page_chrome_in_a_row_is_removed(capsys, work):
    (work / "chrome.txt").write_text("济南市国资委召开会议。\n【打印】【关闭】\n【打印】 【关闭】\n", "utf-8")
    assert run(capsys, "normalize", "--show", "chrome.txt").out == "济南市国资委召开会议。\n"
    (work / "chrome.txt").write_text("【打印】【关闭】\n", "utf-8")
    refused(
        capsys,
        work,
        ["normalize", "chrome.txt"],
        "chrome.txt: nothing left after normalization (only page chrome or whitespace)",
    )


# ---------------------------------------------------------- every command that reads user input


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["normalize", "nothere"], "nothere: no such file or directory"),
        (["extract", "nothere", "--baseline", "rules", "-q", "-o", "p.jsonl"], "nothere: no such file or directory"),
        (["extract", "arts", "--baseline", "nosuch", "-q", "-o", "p.jsonl"], None),
        (["prelabel", "nothere", "--baseline", "rules", "-q", "-o", "t.json"], "nothere: no such file or directory"),
        (["score", "--gold", "nothere", "--pred", "preds.jsonl"], "nothere: no such file or directory"),
        (["score", "--gold", "gold", "--pred", "gold/.jinbiao-gold"], None),
        (["errors", "--gold", "gold", "--pred", "nothere.jsonl"], None),
        (["agree", "preds.jsonl"], "agree needs at least two annotation sets, or a team project (--project TITLE)"),
        (["compare", "preds.jsonl", "nothere.jsonl", "--gold", "gold"], None),
        (["leaderboard", "--gold", "nothere", "--no-write"], "nothere: no gold here (no such directory)"),
        (["gold", "check", "nothere"], "nothere: no such file or directory; point at a gold directory"),
        (["gold", "stats", "preds.jsonl"], "preds.jsonl: not valid JSON: Extra data at line 2"),
        (
            ["gold", "from-mentions", "nothere", "--annotator", "me", "--articles", "arts", "-o", "b"],
            "nothere: no <doc id>.jsonl mention lists there",
        ),
        (["push", "--project", "seeds", "--corpus", "nothere", "--no-baseline"], "nothere: no such file or directory"),
        (
            ["pull", "--from-file", "export.json", "-o", "pulled", "--write-gold"],
            "gold files need each document's offset map back to its source; "
            "pass the corpus you pushed with --corpus PATH (each document's offset map comes from it)",
        ),
        (
            ["train", "--gold", "nothere", "--model-dir", "m"],
            "nothere: no gold to train on (no such directory); give the gold to train on with --gold DIR",
        ),
        (["convert", "nothere.jsonl", "--gold", "gold", "--to", "conll", "-o", "x.conll"], None),
        (["run", "nothere", "--no-serve", "--no-leaderboard", "-o", "out"], "nothere: no such file or directory"),
    ],
    ids=lambda v: " ".join(v[:2]) if isinstance(v, list) else None,
)
def test_every_command_refuses_bad_input_in_one_line(capsys, work, argv, expected):
    line = refused(capsys, work, argv, ".*", regex=True, command=argv[0])
    if expected is not None:
        assert line == f"jinbiao {argv[0]}: error: {expected}"
    else:
        assert (
            argv[argv.index("--baseline") + 1 if "--baseline" in argv else -1] in line
            or "nothere" in line
            or ".jinbiao-gold" in line
        )


NOWHERE = "http://127.0.0.1:9"  # nothing listens there: a connection attempt is a different error


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["push", "--project", "ppp", "--corpus", "arts", "--no-baseline", "--url", NOWHERE, "--timeout", "-1"],
            "argument --timeout: -1 is not above 0",
        ),
        pytest.param(
            ["pull", "--project", "ppp", "-o", "pulled", "--url", NOWHERE, "--timeout", "0"],
            "argument --timeout: 0 is not above 0",
        ),
        pytest.param(
            ["train", "--gold", "gold", "--model-dir", "m", "--c1", "nan"],
            "argument --c1: 'nan' is not a finite number",
        ),
    ],
    ids=["push --timeout -1", "pull --timeout 0", "train --c1 nan"],
)
def test_numeric_options_of_other_commands_are_refused_before_any_work(capsys, work, monkeypatch, argv, expected):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "0123456789abcdef0123456789abcdef01234567")
    refused(capsys, work, argv, f"{expected} (see `jinbiao {argv[0]} --help`)")
