"""Run every benchmark and print its figures: `make bench` (or `python -m bench`)."""

from bench import (
    broadcast,
    clustering,
    cold_start,
    disk,
    inbox,
    instant,
    matching,
    redaction,
    reload,
    subscriptions,
    telegram,
)

if __name__ == "__main__":
    matching.main()
    instant.main()
    redaction.main()
    clustering.main([])
    reload.main()
    cold_start.main()
    telegram.main()
    subscriptions.main()
    broadcast.main([])
    inbox.main([])
    disk.main([])
