"""Record the exports of a team project that people annotated in the browser (the unit tests read them).

Run the team integration test against a local studio that stays up, then this script with the
team's title (a studio started with `jinbiao studio start`, the test pointed at it):

    JINBIAO_HOME=/tmp/record .venv/bin/python tests/data/labelstudio/record_team_exports.py 团队金标

Writes, beside this script: ``team_a.json`` and ``team_b.json`` (the snapshot exports of the two
annotators' projects: regions drawn with the mouse after 𠮷 and across a line break, a prediction
accepted, one relabelled), ``team_adjudication.json`` (the adjudicator's project) and
``team_users.json`` (user ids to emails, as `pull` asks the server). Recorded on label-studio
1.23.2 + label-studio-sdk 2.1.2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jinbiao.annotate.labelstudio.client import connect, require_project
from jinbiao.annotate.labelstudio.pull import download_snapshot, user_emails
from jinbiao.annotate.labelstudio.team import read_team

HERE = Path(__file__).resolve().parent


def save(name: str, payload: object) -> None:
    (HERE / name).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(title: str) -> None:
    connection = connect(timeout=120)
    team = read_team(connection, title)
    a_title, b_title = (project for _, project in sorted(team.annotators.items()))
    referenced: set[int] = set()
    for name, project_title in (("team_a", a_title), ("team_b", b_title), ("team_adjudication", team.adjudication)):
        project = require_project(connection, project_title)
        payload = download_snapshot(connection, int(project.id))
        save(f"{name}.json", payload)
        for task in payload:
            for annotation in task.get("annotations") or []:
                referenced.add(int(annotation["completed_by"]["id"]))
                referenced.add(int(annotation["updated_by"]))
    users = user_emails(connection)
    save("team_users.json", {str(user_id): users[user_id] for user_id in sorted(referenced)})


if __name__ == "__main__":
    main(sys.argv[1])
