"""The public slash commands, in the order menus show them: the router, Telegram's command menu and
`kb check` (an answer may only mention a command the bot has) read this one list. Privileged commands
(/gaps, /hearing, /roles ...) are never listed: for anyone without the role they do not exist.
"""

PUBLIC = ("start", "topics", "subscribe", "subscriptions", "language", "help", "about", "mydata", "forget")

# Commands everyone may use that the menu does not list: /whoami tells a person their numeric Telegram id,
# which only someone about to be made an admin or given a role needs (README, "For operators"); nine
# commands already fill a phone's menu.
UNLISTED = ("whoami",)

# Commands that show or delete one resident's data: in a group they answer with a link to the private
# chat (/start <command> opens them there).
PRIVATE = ("mydata", "forget", "whoami")
