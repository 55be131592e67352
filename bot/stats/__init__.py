"""``/genai-stats``: what to show (arguments), gathering it (CloudWatch, roll-ups), the chart."""
