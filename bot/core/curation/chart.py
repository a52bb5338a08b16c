"""The statistics as a picture an editor reads on a phone: questions per day (per week or month over
long windows), stacked by outcome.

matplotlib is imported inside chart_png, so that commands which draw nothing (`qogam ask`) do not pay
for it; the object-oriented Figure is used instead of pyplot, which keeps global state and is not safe
in a server's threads.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from bot.i18n import Translator

# 1200 x 700 px: wide enough for 31 bars with readable dates, and Telegram shows a photo this size
# without cutting it on a phone. The fonts are large because the picture is shrunk to the screen.
WIDTH_IN, HEIGHT_IN, DPI = 12, 7, 100
FONT_SIZE = 16
# Over this many days a bar per day gets thinner than a few pixels: bars per week, then per month.
DAILY_UP_TO = 92
WEEKLY_UP_TO = 731
# Colour-blind-safe (Okabe-Ito): answered green, suggestions shown yellow, unanswered vermilion, not ours
# (referred elsewhere) blue.
COLOURS = {"answered": "#009E73", "suggested": "#E69F00", "unanswered": "#D55E00", "not_ours": "#0072B2"}
# At most this many date labels on the x axis, so they never overlap.
MAX_LABELS = 12


def chart_png(report: Mapping, t: Translator) -> bytes:
    """A PNG of report["per_day"], 1200 x 700 px, titles and labels in t's language. Works with no
    questions at all (an empty chart that says so)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    buckets, title = _buckets(report["per_day"], t)
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(buckets))
    labels = {
        "answered": t.gettext("Answered"),
        "suggested": t.gettext("Suggestions shown"),
        "unanswered": t.gettext("Unanswered"),
        "not_ours": t.gettext("Not ours"),
    }
    bottom = [0] * len(buckets)
    for outcome, colour in COLOURS.items():
        heights = [b[outcome] for b in buckets]
        axes.bar(positions, heights, bottom=bottom, width=0.8, color=colour, label=labels[outcome])
        bottom = [x + h for x, h in zip(bottom, heights)]

    figure.suptitle(title, fontsize=FONT_SIZE + 4)
    axes.set_ylabel(t.gettext("Questions"), fontsize=FONT_SIZE)
    step = max(1, -(-len(buckets) // MAX_LABELS))
    ticks = list(positions)[::step]
    axes.set_xticks(ticks, [buckets[i]["label"] for i in ticks], fontsize=FONT_SIZE - 2,
                    rotation=40 if len(ticks) > 7 else 0, ha="right" if len(ticks) > 7 else "center",
                    rotation_mode="anchor")
    axes.set_xlim(-0.6, len(buckets) - 0.4)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="y", labelsize=FONT_SIZE - 2)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if max(bottom, default=0) == 0:
        # With no data matplotlib would pick the y range -0.05..0.05; keep a plain 0..1 and say why.
        axes.set_ylim(0, 1)
        axes.text(0.5, 0.5, t.gettext("No questions in this period."), transform=axes.transAxes,
                  ha="center", va="center", fontsize=FONT_SIZE + 2, color="#555555")
    # Under the dates rather than over the bars, where it would hide the tallest ones.
    figure.legend(fontsize=FONT_SIZE - 1, loc="outside lower center", frameon=False, ncols=4)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _buckets(per_day: list[Mapping], t: Translator) -> tuple[list[dict], str]:
    """Days, or weeks (from Monday), or months, with a label each, and the chart's title."""
    days = [(dt.date.fromisoformat(d["day"]), d) for d in per_day]
    if len(days) <= DAILY_UP_TO:
        key, label, title = (lambda d: d), (lambda d: t.date(d, "d MMM")), t.gettext("Questions per day")
    elif len(days) <= WEEKLY_UP_TO:
        key = lambda d: d - dt.timedelta(days=d.weekday())
        label, title = (lambda d: t.date(d, "d MMM yy")), t.gettext("Questions per week")
    else:
        key, label, title = (lambda d: d.replace(day=1)), t.month, t.gettext("Questions per month")
    buckets: dict[dt.date, dict] = {}
    for day, counts in days:
        bucket = buckets.setdefault(key(day), dict.fromkeys(COLOURS, 0))
        for outcome in COLOURS:
            bucket[outcome] += counts.get(outcome, 0)
    if days:
        first, last = t.date(days[0][0], "medium"), t.date(days[-1][0], "medium")
        title = f"{title}, {first}" if first == last else f"{title}, {first} – {last}"
    return [{"label": label(start), **counts} for start, counts in buckets.items()], title
