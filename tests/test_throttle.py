from bot.core import flood as throttle
from bot.core.flood import Throttle, Verdict


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_burst_then_one_warning_then_silence_then_refill():
    clock = Clock()
    t = Throttle(burst=3, rate=0.5, clock=clock)
    assert [t.check("a") for _ in range(5)] == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP]
    clock.now += 1.9  # 0.95 of a token: still empty
    assert t.check("a") is Verdict.DROP
    clock.now += 0.2
    assert t.check("a") is Verdict.ALLOW
    assert t.check("a") is Verdict.WARN  # a new flood gets a new warning


def test_people_do_not_share_a_bucket():
    t = Throttle(burst=1, clock=Clock())
    assert t.check("a") is Verdict.ALLOW and t.check("a") is Verdict.WARN
    assert t.check("b") is Verdict.ALLOW


def test_idle_buckets_are_forgotten(monkeypatch):
    monkeypatch.setattr(throttle, "PRUNE_AT", 100)
    clock = Clock()
    t = Throttle(clock=clock)
    for n in range(100):
        t.check(str(n))
    clock.now += throttle.IDLE_SECONDS
    t.check("new")
    assert len(t) == 1


def test_inline_queries_have_a_bucket_of_their_own_sized_for_typing():
    clock = Clock()
    t = Throttle(clock=clock)
    verdicts = [t.check_inline("a") for _ in range(throttle.INLINE_BURST + 2)]
    assert verdicts == [Verdict.ALLOW] * throttle.INLINE_BURST + [Verdict.WARN, Verdict.DROP]
    assert t.check("a") is Verdict.ALLOW  # messages still go through
    clock.now += 1 / throttle.INLINE_RATE
    assert t.check_inline("a") is Verdict.ALLOW
