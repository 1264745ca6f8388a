"""Every core and a Dask cluster: the same bytes as one process, in the same order."""

from __future__ import annotations

import json

import pytest
from tiny_corpus import FAST, tiny_documents, tiny_gold

from jinbiao.baselines import get_extractor
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.ensemble import EnsembleExtractor
from jinbiao.cli import main
from jinbiao.engines import LocalEngine, make_engine, ship, unship
from jinbiao.engines.dask_cluster import DaskEngine
from jinbiao.gold import JinbiaoError
from jinbiao.gold.io import annotation_set_jsonl
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.prelabel import run_extractor, tasks_json, write_predictions, write_tasks

pytestmark = pytest.mark.slow  # processes killed or raced: run by `make test`, not by `make unit`

SMALL_BATCHES = 3000  # characters: the five seed articles make four batches


def add_payload(payload: int, piece: int) -> int:
    return payload + piece


def test_the_local_engine_keeps_the_order_and_takes_work_only_as_it_goes():
    taken = []

    def work():
        for piece in range(40):
            taken.append(piece)
            yield piece

    engine = LocalEngine(2)
    results = engine.map(add_payload, 1000, work())
    assert next(results) == 1000
    assert len(taken) <= 2 * 2 + 1  # two pieces in flight per worker, not the whole stream
    assert list(results) == list(range(1001, 1040))
    assert list(LocalEngine(1).map(add_payload, 1, range(3))) == [1, 2, 3]
    assert list(LocalEngine(2).map(add_payload, 1, [])) == []


def test_a_ready_ensemble_travels_to_a_worker_with_its_models(seed_documents):
    documents = tiny_documents()
    crf = CRFExtractor(params=FAST, outside=0).fit(documents, tiny_gold(documents))
    ensemble = EnsembleExtractor(crf)
    shipment = ship(ensemble)
    arrived = unship(shipment.data)
    for document in seed_documents.values():
        assert arrived.extract(document) == ensemble.extract(document)
    assert ship(ensemble).models_sha256 == shipment.models_sha256  # one CRF model and one name tagger
    retrained = CRFExtractor(params={"max_iterations": 3}, outside=0).fit(documents, tiny_gold(documents))
    assert ship(EnsembleExtractor(retrained)).models_sha256 != shipment.models_sha256


@pytest.mark.parametrize("baselines", [["rules"], ["rules", "jieba"]])
def test_two_jobs_write_the_bytes_of_one(tmp_path, seed_documents, baselines):
    documents = list(seed_documents.values())
    sets = [run_extractor(get_extractor(name), documents).annotation_set for name in baselines]
    for jobs in (1, 2):
        report = write_tasks([ARTICLES_DIR], baselines, tmp_path / f"tasks{jobs}.json", jobs=jobs,
                             batch_characters=SMALL_BATCHES)  # fmt: skip
        assert report.engine == ("1 process" if jobs == 1 else "2 processes")
        assert (tmp_path / f"tasks{jobs}.json").read_text(encoding="utf-8") == tasks_json(documents, sets)
        write_predictions([ARTICLES_DIR], baselines[0], tmp_path / f"p{jobs}.jsonl", jobs=jobs,
                          batch_characters=SMALL_BATCHES)  # fmt: skip
        assert (tmp_path / f"p{jobs}.jsonl").read_text(encoding="utf-8") == annotation_set_jsonl(sets[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p1.jsonl", "p2.jsonl", "tasks1.json", "tasks2.json"]


def test_an_empty_corpus_is_still_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(JinbiaoError, match="no .txt files in this directory"):
        write_tasks([tmp_path / "empty"], ["rules"], tmp_path / "t.json", jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_the_command_line_takes_jobs(tmp_path, capsys):
    out = tmp_path / "p.jsonl"
    assert main(["extract", "--baseline", "rules", "--jobs", "2", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"{get_extractor('rules').origin}: ") and " spans in 5 documents, " in err
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["doc_id"] == "000_a6fffb90fc454c54"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--engine", "dask"], "the dask engine needs its scheduler's address; give its address with --scheduler "
         "tcp://HOST:8786"),
        (["--scheduler", "tcp://127.0.0.1:9"], "a scheduler address is for the dask engine; add --engine dask, or "
         "leave out --scheduler"),
        (["--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "--jobs", "2"], "the number of jobs is the local "
         "engine's; a Dask cluster has its own workers; leave out --jobs: the cluster's workers run the work"),
        (["--jobs", "0"], "argument --jobs: 0 is below 1; give 1 or more (see `jinbiao extract --help`)"),
        (["--engine", "spark"], "argument --engine: invalid choice: 'spark' (choose from 'local', 'dask') "
         "(see `jinbiao extract --help`)"),
    ],
)  # fmt: skip
def test_engine_flags_that_cannot_work_are_one_line_before_any_work(tmp_path, capsys, flags, message):
    assert main(["extract", "--baseline", "rules", "-q", "-o", str(tmp_path / "p.jsonl"), *flags]) == 2
    assert capsys.readouterr().err == f"jinbiao extract: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_scheduler_is_named():
    pytest.importorskip("distributed")
    engine = DaskEngine("tcp://127.0.0.1:9", timeout=1)
    with pytest.raises(JinbiaoError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9 \("):
        list(engine.map(add_payload, 1, [1]))


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local_cluster:
        yield local_cluster


def test_a_dask_cluster_of_worker_processes_writes_the_bytes_of_a_local_run(tmp_path, cluster, capsys):
    address = cluster.scheduler_address
    for name, engine in (("local", make_engine(1)), ("dask", make_engine(engine="dask", scheduler=address))):
        assert engine.name == name
    write_tasks([ARTICLES_DIR], ["rules", "union"], tmp_path / "local.json", jobs=1)
    report = write_tasks([ARTICLES_DIR], ["rules", "union"], tmp_path / "dask.json", engine="dask", scheduler=address,
                         batch_characters=SMALL_BATCHES)  # fmt: skip
    assert report.engine == f"the Dask cluster at {address}" and report.documents == 5
    assert (tmp_path / "dask.json").read_bytes() == (tmp_path / "local.json").read_bytes()
    argv = ["extract", "--baseline", "rules", "-q", "--engine", "dask", "--scheduler", address]
    assert main([*argv, "-o", str(tmp_path / "dask.jsonl")]) == 0
    assert main(["extract", "--baseline", "rules", "-q", "--jobs", "1", "-o", str(tmp_path / "local.jsonl")]) == 0
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    workers = cluster.scheduler_info["workers"]
    assert len(workers) == 2 and all(w["nthreads"] == 1 for w in workers.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask.json", "dask.jsonl", "local.json", "local.jsonl"]
