"""The edges of genai-ops-bot: settings, AWS and Slack adapters, state, CLI."""
