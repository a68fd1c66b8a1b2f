"""Recorded platform responses, replayed through httpx.MockTransport for platforms no server
can stand in for here (X, Facebook). The recordings live beside each connector, each naming the
page of the platform's API reference it is shaped after."""

import json
from pathlib import Path

import httpx


def recording(folder: Path, name: str) -> dict:
    return json.loads((folder / f"{name}.json").read_text())


class Replay:
    """Answers each request with the next recording (only if the request is the one it was
    recorded for), and keeps every request. An exception among the answers is raised instead,
    as the network would."""

    folder: Path

    def __init__(self, *answers):
        self.answers = [recording(self.folder, a) if isinstance(a, str) else a for a in answers]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.answers[0], Exception):
            raise self.answers.pop(0)
        answer = self.answers.pop(0)
        assert (request.method, request.url.path) == (
            answer["request"]["method"],
            answer["request"]["path"],
        )
        return httpx.Response(answer["status"], json=answer["body"], headers=answer.get("headers"))
