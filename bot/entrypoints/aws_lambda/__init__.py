"""Running on AWS Lambda: settings from Secrets Manager, X-Ray tracing, log payloads."""
