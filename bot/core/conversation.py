"""What the bot says, independent of the transport: the router and the reply types, under the name
the transports and tests have always imported. The dialogue itself lives in bot/core/dialogue/, one
module per audience."""

from bot.core.dialogue.base import Button, Person, Reply, deep_link_payload
from bot.core.dialogue.residents import MAX_QUESTION_CHARS
from bot.core.dialogue.router import Conversation

__all__ = ["Button", "Conversation", "MAX_QUESTION_CHARS", "Person", "Reply", "deep_link_payload"]
