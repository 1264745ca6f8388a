"""Send the shipped gold through a real Label Studio and back, and keep the export as provenance.

    .venv/bin/python scripts/gold_provenance.py [--studio-dir DIR]

Starts a studio in a temporary directory (or uses DIR), pushes the five articles with the `union`
pre-annotations annotator A started from, records the gold as the admin's annotations, takes the
snapshot export, checks that converting it gives back exactly the gold, and writes the export to
gold/annotations/labelstudio/export.json (the server's ids and timestamps included).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from jinbiao.annotate.authoring.mentions import align_mentions, read_mentions
from jinbiao.annotate.labelstudio import server
from jinbiao.annotate.labelstudio.client import connect
from jinbiao.annotate.labelstudio.gold_roundtrip import gold_round_trip
from jinbiao.gold import AnnotationSet, atomic_write_text, load_gold
from jinbiao.gold.paths import ANNOTATIONS_DIR, DOCUMENTS_DIR


def union_prelabels(documents) -> AnnotationSet:
    prelabels = AnnotationSet(name="union", kind="baseline", version="1.0")
    for document in documents:
        mentions = read_mentions(ANNOTATIONS_DIR / "prelabel-union" / f"{document.id}.jsonl")
        prelabels.add_document(document, align_mentions(document, mentions))
    return prelabels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studio-dir", help="an existing studio directory (default: a fresh temporary one)")
    args = parser.parse_args()
    root = Path(args.studio_dir or tempfile.mkdtemp(prefix="jinbiao-provenance-"))
    status = server.start(root, timeout=600)
    try:
        gold, documents = load_gold(DOCUMENTS_DIR)
        connection = connect(status.url, server.credentials(root).token, interactive=False, timeout=300)
        trip = gold_round_trip(connection, "jinbiao gold", documents, gold, [union_prelabels(documents)])
        problems = [str(p) for p in trip.result.problems] + trip.differences(gold)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        target = ANNOTATIONS_DIR / "labelstudio" / "export.json"
        atomic_write_text(target, json.dumps(trip.export, ensure_ascii=False, indent=1) + "\n")
        print(f"the gold came back identical ({gold.span_count()} spans); wrote {target}")
        return 0
    finally:
        if not args.studio_dir:
            server.stop(root)


if __name__ == "__main__":
    sys.exit(main())
