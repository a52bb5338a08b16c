"""The one place that joins the ranker, its model and training: a matcher for a knowledge base, with the model
from the cache when the knowledge base's content is unchanged, trained (and cached) otherwise.

The cache file is keyed by a hash of every phrasing, its entry and language, and MODEL_VERSION: any change
of the knowledge base (an edit, a learned phrasing) or of the features trains a new model.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.core.knowledge.loader import KnowledgeBase
from bot.core.matching import model as model_store
from bot.core.matching.ranker import Matcher
from bot.settings import model_cache

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """QOGAM_MODEL_CACHE, or models/ in the data directory."""
    return model_cache()


def cached_or_trained(matcher: Matcher, directory: Path | None = None) -> model_store.Model:
    """The model for this matcher's knowledge base: from the cache when its content is unchanged, else
    trained. A cache that cannot be read or written is only a slower start, never an error."""
    path = (directory or cache_dir()) / f"matcher-{matcher.content_hash}.npz"
    try:
        model = model_store.load(path)
        log.debug("matcher model read from %s", path)
        return model
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: train anew
        log.warning("ignoring the matcher model cache %s: %s", path, exc)
    from bot.core.matching.training import train

    model = train(matcher)
    try:
        model_store.save(model, path)
    except OSError as exc:
        log.warning("could not cache the matcher model in %s: %s", path, exc)
    return model


def build_matcher(kb: KnowledgeBase, cache_dir: Path | None = None) -> Matcher:
    """A matcher for `kb` with its trained model."""
    matcher = Matcher(kb, for_training=True)
    matcher.model = cached_or_trained(matcher, cache_dir)
    matcher.release_training_data()
    return matcher
