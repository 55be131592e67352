"""Usage and cost from Bedrock model-invocation logs: reading, pricing, roll-ups, queries."""
