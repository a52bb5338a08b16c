"""Run every benchmark and print its figures: `make bench` (or `python -m bench`)."""

from bench import broadcast, cold_start, inbox, matching, redaction, subscriptions, telegram

if __name__ == "__main__":
    matching.main()
    redaction.main()
    cold_start.main()
    telegram.main()
    subscriptions.main()
    broadcast.main([])
    inbox.main([])
