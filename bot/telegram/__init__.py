"""The Telegram adapter: turns updates into calls of the dialogue and replies into Bot API calls."""

from bot.settings import opt_in_ptb_timedelta

opt_in_ptb_timedelta()
