"""The Telegram edge: handlers translate updates into domain calls and render the result."""
