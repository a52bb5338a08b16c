"""Operations at the adapters' layer: health and metrics routes any aiohttp app can mount (the bot's
webhook or metrics server, the web console), and the checks of `qogam doctor`."""
