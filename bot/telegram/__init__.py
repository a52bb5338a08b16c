import os

# python-telegram-bot 22 warns that RetryAfter.retry_after becomes a timedelta in its next major
# version; opt in now (bot/telegram/sender.py reads either) so that a 429 does not log a warning.
os.environ.setdefault("PTB_TIMEDELTA", "1")
