"""/healthz and /metrics: what a load balancer and Prometheus read, and who may read it."""

from django.db import DatabaseError

from amends.actions import Publish


def test_healthz_says_the_database_answers_and_counts_the_queue(people, testbed, client):
    Publish(people.alice, account="testbed:police", text="Waiting.").run()
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True
    assert body["database"] == "ok"
    assert body["deliveries"] == {"waiting": 1, "failed": 0}
    assert body["record"]["entries"] > 0
    assert body["sending_paused"] is False
    assert answer["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_database_does_not_answer(db, client, monkeypatch):
    from amends.ops import views

    def broken():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "facts", broken)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"ok": False, "database": "does not answer (DatabaseError)"}


def test_metrics_are_in_prometheus_format_for_the_machine_itself(people, client):
    Publish(people.alice, account="house:news", text="Counted.").run()
    client.get("/desk/sign-in/")
    answer = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=")
    text = answer.content.decode()
    assert 'amends_actions_total{kind="Publish"}' in text
    assert "amends_deliveries_waiting 0.0" in text
    assert "amends_sending_paused 0.0" in text
    assert 'amends_request_seconds_count{part="desk"}' in text


def test_metrics_need_the_token_when_one_is_set(db, client, settings):
    assert client.get("/metrics", REMOTE_ADDR="81.2.69.160").status_code == 403
    settings.METRICS_TOKEN = "scrape-me"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    allowed = client.get(
        "/metrics", REMOTE_ADDR="81.2.69.160", HTTP_AUTHORIZATION="Bearer scrape-me"
    )
    assert allowed.status_code == 200
