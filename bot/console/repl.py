"""`qogam chat`: the resident's conversation in a terminal, on the same core as Telegram.

Buttons are shown as numbered choices; typing the number presses the button. Commands are the
Telegram ones (/help, /language, /topics ...). Ctrl-D or the end of piped input quits.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TextIO

from bot.core.curation import serving
from bot.core.dialogue.router import Conversation
from bot.core.replies import Button, Person, Reply
from bot.settings import terminal_language
from bot.storage.db import data_dir


class ConsoleChat:
    def __init__(self, conversation: Conversation, out: TextIO = sys.stdout):
        self.conversation = conversation
        self.out = out
        self.person = Person(key="console:local", channel="console", language_hint=terminal_language())
        self.choices: list[Button] = []

    def train_in_background(self, status) -> threading.Thread:
        """Train the model the provisional matcher stands in for, in a thread, and serve it when done
        (unless something else was served meanwhile). `status` says so on stderr (cli._common.Status)."""
        ctx = self.conversation.ctx
        learned, generation = serving.snapshot(ctx.db)
        current = ctx.matcher
        status.done("Preparing the matcher's model for this knowledge base (a few seconds): until then "
                    "questions get \"did you mean\" suggestions" if current.model is None else
                    "Preparing the matcher's model for this knowledge base (a few seconds): until then the "
                    "last one answers")

        def work() -> None:
            try:
                served = serving.retrained(learned)
            except Exception as exc:  # noqa: BLE001 - the provisional matcher keeps answering
                status.done(f"could not train the matcher's model: {exc}")
                return
            if ctx.matcher is current:
                serving.install(ctx, served, generation)
            status.done(f"The matcher's model is ready (trained in {status.seconds:.1f} s)")

        thread = threading.Thread(target=work, name="train-model", daemon=True)
        thread.start()
        return thread

    def handle(self, line: str) -> list[Reply]:
        """One line of input: a command, the number of a choice, or a question."""
        line = line.strip()
        if line.startswith("/"):
            name, _, argument = line[1:].partition(" ")
            return self.conversation.command(self.person, name, argument)
        if line.isdigit() and self.choices:
            index = int(line) - 1
            if 0 <= index < len(self.choices):
                return self.conversation.press(self.person, self.choices[index].data)
        return self.conversation.ask(self.person, line)

    def show(self, replies: list[Reply]) -> None:
        self.choices = []
        for reply in replies:
            print(reply.text, file=self.out)
            if reply.document is not None:
                print(f"[{self._save(reply.document)}]", file=self.out)
            for row in reply.buttons:
                labels = []
                for button in row:
                    if button.deep_link is not None:  # a link to the private chat: here, the command to type
                        labels.append(f"{button.label}: /start {button.deep_link}".rstrip())
                        continue
                    self.choices.append(button)
                    labels.append(f"[{len(self.choices)}] {button.label}")
                print("  " + "   ".join(labels), file=self.out)
            print(file=self.out)

    @staticmethod
    def _save(document) -> Path:
        """A file the bot sends (a hearing's .ics, the /stats chart as a PNG) is written under the data
        directory, to open from there: a terminal shows no pictures."""
        folder = data_dir() / "files"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(document.filename).name
        path.write_bytes(document.content)
        return path

    def run(self, stream: TextIO = sys.stdin) -> None:
        interactive = stream.isatty()
        if interactive:
            self.show(self.conversation.start(self.person))
        while True:
            if interactive:
                print("> ", end="", file=self.out, flush=True)
            line = stream.readline()
            if not line:
                break
            if line.strip():
                self.show(self.handle(line))
        if interactive:
            print(file=self.out)
