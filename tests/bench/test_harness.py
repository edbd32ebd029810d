"""The benchmark harness's own rules: loopback only, bounded runs, honest verdicts, and the
files it reads and compares. No server and no database: these are the parts that decide."""

import json

import pytest

from bench import common, compare, run, users


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://127.0.0.1:8766", True),
        ("http://127.0.0.2:8766/x", True),
        ("http://[::1]:8000", True),
        ("http://localhost:8000", True),
        ("http://10.0.0.1:8000", False),
        ("http://192.168.1.10", False),
        ("http://8.8.8.8", False),
        ("not a url", False),
    ],
)
def test_only_loopback_is_a_target(url, ok):
    assert common.is_loopback_url(url) is ok


@pytest.mark.parametrize(
    "argv",
    [
        ["--users", "501"],
        ["--users", "0"],
        ["--run-time", "3601"],
        ["--rss-max-seconds", "4000"],
        ["--think", "5,1"],
        ["--weights", "1,2"],
    ],
)
def test_the_users_run_is_bounded(argv):
    with pytest.raises(SystemExit):
        users.parse_args([*argv, "--database-url", "postgres://127.0.0.1/lom_bench_x"])


def test_the_users_run_takes_the_target_size():
    args = users.parse_args(["--database-url", "postgres://127.0.0.1/lom_bench_x"])
    assert (args.users, args.run_time, args.workers) == (200, 600, 4)
    assert args.think == [2.0, 8.0]


def run_record(**over):
    base = {"duration_s": 10, "rss_mb": {"after_extra_requests": {1: 90.0}}, "scale": "1"}
    return {**base, **over}


def test_no_load_never_claims_all_targets():
    unjudged = run.not_judged([run_record(duration_s=0), run_record(duration_s=0)])
    assert any("/ping" in x for x in unjudged)
    assert any("RSS" in x for x in unjudged)


def test_one_scale_does_not_judge_growth_and_a_full_run_judges_everything():
    assert run.not_judged([run_record()]) == ["10x data <= 1.3x time (one scale)"]
    assert run.not_judged([run_record(), run_record()]) == []


def test_the_wait_budget_bounds_every_wait():
    class Args:
        max_wait = 1

    run.WAITS.update(waited_s=0.0, exhausted=False)
    assert run.bounded_sleep(Args, 0.2) is True
    assert run.bounded_sleep(Args, 5) is True  # only what is left of the budget
    assert run.WAITS["waited_s"] == pytest.approx(1.0)
    assert run.bounded_sleep(Args, 0.1) is False
    assert run.WAITS["exhausted"] is True


def test_locust_statistics_are_read_per_type(tmp_path):
    prefix = tmp_path / "locust"
    head = (
        '"Type","Name","Request Count","Failure Count","Median Response Time",'
        '"Average Response Time","Min Response Time","Max Response Time",'
        '"Average Content Size","Requests/s","Failures/s","50%","66%","75%","80%","90%",'
        '"95%","98%","99%","99.9%","99.99%","100%"\n'
    )
    rows = (
        '"GET","queue",100,2,120,130,50,900,20000,5.5,0.1,120,130,140,150,200,300,400,500,'
        "800,900,900\n"
        '"","Aggregated",150,2,100,110,10,900,15000,8.25,0.1,100,110,120,130,180,250,380,'
        "480,800,900,900\n"
    )
    (tmp_path / "locust_stats.csv").write_text(head + rows)
    (tmp_path / "locust_failures.csv").write_text(
        '"Method","Name","Error","Occurrences"\n"GET","queue","500",2\n'
    )
    stats = users.read_locust_stats(str(prefix))
    assert stats["by_type"]["queue"] == {
        "requests": 100, "failures": 2, "p50_ms": 120.0, "p95_ms": 300.0, "p99_ms": 500.0,
        "max_ms": 900.0, "rps": 5.5,
    }  # fmt: skip
    assert stats["by_type"]["Aggregated"]["p95_ms"] == 250.0
    assert stats["failures"] == [{"name": "queue", "error": "500", "count": 2}]


def test_requests_are_counted_per_worker_from_the_access_log(tmp_path):
    log = tmp_path / "access.log"
    log.write_text("<101> 200\n<102> 200\n<101> 302\n<101> 200\n")
    assert users.requests_per_worker(str(log)) == {101: 3, 102: 1}


def test_the_verdict_of_a_users_run(tmp_path):
    result = {
        "stats": {"by_type": {"Aggregated": {"failures": 0, "p95_ms": 1200.0}}},
        "top_up": {"errors": 1},
        "rss_mb": {"final": {1: 120.0, 2: 160.0}},
        "requests_per_worker": {1: 10_000, 2: 9_000},
    }

    class Args:
        users, run_time = 50, 120

    missed, unjudged = users.judge(result, Args)
    assert missed == [
        "1 errors (target 0)",
        "p95 1200 ms overall (target < 1000 ms)",
        "worker RSS 160 MB (target < 150 MB)",
    ]
    assert any("9,000" in x for x in unjudged)
    assert any("50 users for 120 s" in x for x in unjudged)


def test_two_runs_are_compared_per_route(tmp_path, capsys):
    def result(name, server_ms, rps):
        return {"name": name, "queries": 8, "server_ms": server_ms, "cpu_ms": server_ms,
                "pg_sql_ms": 1.0, "rps": rps, "ratio": rps / 1000, "p95_ms": 50.0}  # fmt: skip

    def one_run(commit, server_ms):
        return {
            "scale": "1", "database": "lom_bench_1", "loader": "wrk", "workers": 2,
            "connections": 4, "duration_s": 10, "code": {"commit": commit},
            "results": [result("ping", 1.0, 1000.0), result("queue", server_ms, 20.0)],
        }  # fmt: skip

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"runs": [one_run("aaa", 100.0)]}))
    b.write_text(json.dumps(one_run("bbb", 50.0)))  # a part-*.json: one run
    compare.main([str(a), str(b)])
    out = capsys.readouterr().out
    assert "code aaa" in out and "code bbb" in out
    queue = next(line for line in out.splitlines() if line.startswith("queue"))
    assert "100.0" in queue and "50.0" in queue and "0.50" in queue
