"""The core: what Qogam knows and decides, with no knowledge of Telegram, the web or the command line.

Packages by concept, lowest first: text (how residents' text is read), knowledge (the content editors
write), matching (finding the entry a question asks for), curation (keeping the knowledge base right),
hearings (announcing public hearings), delivery (sending what is owed, paced), dialogue (what the bot
says to each audience). Modules here import storage and the packages below them, never above
(tests/test_layers.py).
"""
