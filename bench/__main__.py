"""Run every benchmark and print its figures: `make bench` (or `python -m bench`)."""

from bench import (
    broadcast,
    clustering,
    clustering_scale,
    cold_start,
    disk,
    hearing_questions,
    inbox,
    instant,
    matching,
    redaction,
    reload,
    subscriptions,
    telegram,
    telegram_gaps,
)

if __name__ == "__main__":
    matching.main()
    instant.main()
    redaction.main()
    clustering.main([])
    clustering_scale.main([])
    hearing_questions.main([])
    reload.main()
    cold_start.main()
    telegram.main()
    telegram_gaps.main([])
    subscriptions.main()
    broadcast.main([])
    inbox.main([])
    disk.main([])
