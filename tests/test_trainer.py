"""The background trainer: one training at a time, and only the newest request runs after a busy one."""

from __future__ import annotations

import threading

from bot.core.curation import serving


def test_only_the_newest_request_runs_after_the_busy_one(monkeypatch):
    started, release, calls, done = threading.Event(), threading.Event(), [], []
    finished = threading.Event()

    def build(learned, directory=None, *, train=True):
        calls.append(learned)
        started.set()
        release.wait(5)
        return f"served {learned}"

    monkeypatch.setattr(serving, "build", build)

    def record(served, generation):
        done.append((served, generation))
        if generation == ("third",):
            finished.set()

    trainer = serving.Trainer(record)
    trainer.request(["first"], ("first",))
    assert started.wait(5)
    trainer.request(["second"], ("second",))  # while busy: replaced by the next one
    trainer.request(["third"], ("third",))
    release.set()
    assert finished.wait(5)
    assert calls == [["first"], ["third"]]
    assert done == [("served ['first']", ("first",)), ("served ['third']", ("third",))]
