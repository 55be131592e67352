"""The ``feedback_drop`` rules as one poll check: feedback sums from CloudWatch, then pure
evaluation per model."""

from __future__ import annotations

from datetime import datetime, timedelta

from alarms import feedback
from alarms.model import Evaluation
from alarms.rules import FeedbackDropRule, Rule
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.app.feedback.stats import feedback_by_model, period_for
from bot.app.poll.report import CycleReport, period_floor


class FeedbackCheck:
    """Reads ``GenAIOps/Feedback`` (or the configured namespace) once per rule window."""

    name = "feedback"

    def __init__(self, rules: tuple[Rule, ...], reader: CloudWatchReader, namespace: str) -> None:
        self.rules = [rule for rule in rules if isinstance(rule, FeedbackDropRule)]
        self.reader = reader
        self.namespace = namespace

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        calls_before, metrics_before = self.reader.api_calls, self.reader.metrics_requested
        out: list[Evaluation] = []
        for hours in sorted({rule.window_hours for rule in self.rules}):
            window = timedelta(hours=hours)
            end = period_floor(now, period_for(window)) + timedelta(seconds=period_for(window))
            totals = feedback_by_model(self.reader, end - window, end, self.namespace)
            for rule in (r for r in self.rules if r.window_hours == hours):
                out += [
                    feedback.evaluate(rule, model, counts)
                    for model, counts in totals.items()
                    if rule.watches(model)
                ]
        report.api_calls += self.reader.api_calls - calls_before
        report.metrics_requested += self.reader.metrics_requested - metrics_before
        return out
