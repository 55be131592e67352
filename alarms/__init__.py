"""The pure core of genai-ops-bot.

Nothing in this package performs I/O, talks to AWS or Slack, or reads the clock: every
function that needs the current time takes ``now`` as an argument.
"""
