"""The one place that joins the ranker, its model and training: a matcher for a knowledge base, with the model
from the cache when the knowledge base's content is unchanged, trained (and cached) otherwise.

The cache file is keyed by a hash of every phrasing, its entry and language, and MODEL_VERSION: any change
of the knowledge base (an edit, a learned phrasing) or of the features trains a new model. Training takes
a few seconds (bot/core/matching/batch.py). A process that must answer at once (the bot, the terminal
chat, an editor's command) may instead take the last good model: the newest cached one of the same
MODEL_VERSION, whose features are the same and which was trained on a knowledge base that differs by what
editors changed since; without any, the matcher ranks without a model and only offers "did you mean"
(model._ranking_only). Such a matcher is `provisional`, and the bot trains the right model in the
background and swaps it in (bot/telegram/app.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from bot.core.knowledge.loader import KnowledgeBase
from bot.core.matching import model as model_store
from bot.core.matching.ranker import Matcher
from bot.settings import model_cache

log = logging.getLogger(__name__)

# progress(what is being done, share done 0..1): training reports as it goes, for a status line.
Progress = Callable[[str, float], None]


def cache_dir() -> Path:
    """QOGAM_MODEL_CACHE, or models/ in the data directory."""
    return model_cache()


def _path(directory: Path, content_hash: str) -> Path:
    return directory / f"matcher-{content_hash}.npz"


def cached(matcher: Matcher, directory: Path | None = None) -> model_store.Model | None:
    """The model for exactly this matcher's knowledge base, if the cache has it. A cache that cannot be
    read is only a slower start, never an error."""
    path = _path(directory or cache_dir(), matcher.content_hash)
    try:
        model = model_store.load(path)
        log.debug("matcher model read from %s", path)
        return model
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: train anew
        log.warning("ignoring the matcher model cache %s: %s", path, exc)
        return None


def last_good(directory: Path | None = None) -> model_store.Model | None:
    """The newest cached model of this MODEL_VERSION, whatever knowledge base it was trained on."""
    directory = directory or cache_dir()
    try:
        files = sorted(directory.glob("matcher-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for path in files:
        try:
            return model_store.load(path)
        except Exception:  # noqa: BLE001, S112 - another version, or damaged: try an older one
            continue
    return None


def trained(matcher: Matcher, directory: Path | None = None, progress: Progress | None = None) -> model_store.Model:
    """Train the model for a matcher built for_training, and cache it."""
    from bot.core.matching.training import train

    model = train(matcher, progress)
    path = _path(directory or cache_dir(), matcher.content_hash)
    try:
        model_store.save(model, path)
    except OSError as exc:
        log.warning("could not cache the matcher model in %s: %s", path, exc)
    return model


def cached_or_trained(matcher: Matcher, directory: Path | None = None,
                      progress: Progress | None = None) -> model_store.Model:
    """The model for this matcher's knowledge base: from the cache when its content is unchanged, else
    trained."""
    return cached(matcher, directory) or trained(matcher, directory, progress)


def build_matcher(kb: KnowledgeBase, cache_dir: Path | None = None, *, train: bool = True,
                  progress: Progress | None = None) -> Matcher:
    """A matcher for `kb` with its trained model. train=False: never wait for training; without the
    cached model, the last good one or none, and the matcher is `provisional`."""
    started = time.perf_counter()
    matcher = Matcher(kb, for_training=train)
    model = cached(matcher, cache_dir)
    if model is None and train:
        model = trained(matcher, cache_dir, progress)
        log.info("matcher model trained in %.1f s", time.perf_counter() - started)
    elif model is None:
        model = last_good(cache_dir)
        matcher.provisional = True
        log.info("matcher model: %s until the model of this knowledge base is trained",
                 "the last good model" if model is not None else "ranking only")
    matcher.model = model
    matcher.release_training_data()
    return matcher
