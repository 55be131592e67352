"""/genai-ask and reactions through the real ``genai-ops serve``: signed Slack requests in,
answers out to the fake Slack, Converse to the fake bedrock-runtime, metrics into moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.bot_server import BotServer, eventually, running_bot
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_slack import FakeSlack, SlackCall
from tests.support.signing import block_action, reaction_event

HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0"
NOVA = "amazon.nova-lite-v1:0"
CHANNEL = "C0GENAI01"
ASKER = "U0HUMAN01"


@pytest.fixture
def bot(
    bedrock: FakeBedrock,
    slack: FakeSlack,
    aws: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[BotServer]:
    monkeypatch.setenv("GENAI_OPS_ASK_DEFAULT_MODEL", HAIKU)
    monkeypatch.setenv("GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR", "5")
    with running_bot(tmp_path, slack, "--no-poll") as server:
        yield server


def ask(bot: BotServer, text: str) -> str:
    reply = bot.command("/genai-ask", text, user_id=ASKER, channel_id=CHANNEL)
    assert reply.status == 200
    return str(reply.json()["text"]) if reply.body.startswith("{") else reply.body


def posts(slack: FakeSlack, count: int) -> list[SlackCall]:
    """The first ``count`` messages posted, once Slack has answered each (with its ts)."""

    def done() -> list[SlackCall]:
        calls = slack.of("chat.postMessage")
        return calls[:count] if len(calls) >= count and all(c.response for c in calls) else []

    return eventually(done)


def ephemeral(slack: FakeSlack, count: int) -> list[str]:
    """Texts sent to the asker alone through the command's response_url."""
    calls = eventually(lambda: len(slack.of("/response/1")) >= count and slack.of("/response/1"))
    return [str(call.args.get("text")) for call in calls]


def texts(call: SlackCall) -> list[str]:
    out = []
    for block in call.args["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [element["text"] for element in block.get("elements", [])]
    return out


def net_votes(cloudwatch: Any, model: str, metric: str) -> float:
    now = datetime.now(UTC)
    result = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "q",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "GenAIOps/Feedback",
                        "MetricName": metric,
                        "Dimensions": [{"Name": "ModelId", "Value": model}],
                    },
                    "Period": 300,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
    )
    return sum(result["MetricDataResults"][0]["Values"])


def react(
    bot: BotServer,
    ts: str,
    user: str,
    name: str,
    event_id: str,
    *,
    removed: bool = False,
    retry: int | None = None,
) -> None:
    event = reaction_event(name, user=user, channel=CHANNEL, ts=ts, removed=removed)
    assert bot.event(event, event_id=event_id, retry=retry).status == 200


def test_an_answer_is_posted_with_its_cost_and_votes_become_metrics(
    bot: BotServer, bedrock: FakeBedrock, slack: FakeSlack, cloudwatch: Any
) -> None:
    bedrock.reply(
        HAIKU,
        Reply(
            text="A **guardrail** filters input and output.", input_tokens=1000, output_tokens=2000
        ),
    )
    assert "Asking" in ask(bot, "what is a guardrail?")
    (posted,) = posts(slack, 1)
    assert posted.args["channel"] == CHANNEL and "thread_ts" not in posted.args
    quote, body, footer = texts(posted)
    assert quote == f"<@{ASKER}> asked `{HAIKU}`:\n> what is a guardrail?"
    assert body == "A *guardrail* filters input and output."
    assert footer.startswith(f"`{HAIKU}` · 0.4 s · 1,000 in / 2,000 out tokens · $0.0088 · ")
    assert ":+1:" in footer and ":-1:" in footer
    (call,) = bedrock.calls
    assert call.body["requestMetadata"] == {
        "source": "slack",
        "slack_user": ASKER,
        "slack_channel": CHANNEL,
    }
    ts = posted.response["ts"]
    react(bot, ts, "U1", "+1", "Ev1")
    react(bot, ts, "U1", "+1", "Ev1", retry=1)  # Slack's retry of the same delivery
    react(bot, ts, "U2", "+1", "Ev2")
    react(bot, ts, "U2", "-1", "Ev3")  # U2 changes their mind
    react(bot, ts, "U3", "thumbsup", "Ev4")
    react(bot, ts, "U3", "thumbsup", "Ev5", removed=True)  # and U3 withdraws
    react(bot, ts, "UBOT", "+1", "Ev6")  # the bot's own reaction
    react(bot, ts, "U4", "+1", "Ev7")
    react(bot, ts, "U4", "+1", "Ev7", retry=2)
    react(bot, "1699999999.000001", "U5", "+1", "Ev8")  # another message

    eventually(
        lambda: (
            net_votes(cloudwatch, HAIKU, "PositiveFeedback") == 2
            and net_votes(cloudwatch, HAIKU, "NegativeFeedback") == 1
        )
    )
    logs = bot.logs()
    assert "what is a guardrail" not in logs and "filters input" not in logs


def test_compare_posts_a_summary_and_one_rateable_answer_per_model(
    bot: BotServer, bedrock: FakeBedrock, slack: FakeSlack, cloudwatch: Any
) -> None:
    bedrock.reply(NOVA, Reply(text="Nova: retrieval first.", input_tokens=50, output_tokens=80))
    bedrock.reply(HAIKU, Reply(text="Haiku: it depends.", input_tokens=50, output_tokens=90))
    assert "Asking" in ask(bot, f"compare {HAIKU},{NOVA} RAG or fine-tuning?")
    summary, first, second = posts(slack, 3)
    table = "\n".join(texts(summary))
    assert "compared 2 models" in table and "RAG or fine-tuning?" in table
    assert HAIKU in table and NOVA in table and "50 / 90" in table and "50 / 80" in table
    thread = summary.response["ts"]
    assert first.args["thread_ts"] == thread == second.args["thread_ts"]
    answers = {c.args["blocks"][1]["text"]["text"]: c.response["ts"] for c in (first, second)}
    assert set(answers) == {"Nova: retrieval first.", "Haiku: it depends."}
    assert sorted(call.model_id for call in bedrock.calls) == sorted([HAIKU, NOVA])

    react(bot, answers["Haiku: it depends."], "U1", "+1", "Ev1")
    react(bot, answers["Nova: retrieval first."], "U1", "-1", "Ev2")
    react(bot, answers["Nova: retrieval first."], "U2", "x", "Ev3")
    react(bot, thread, "U3", "+1", "Ev4")  # the summary is not an answer
    eventually(
        lambda: (
            (
                net_votes(cloudwatch, HAIKU, "PositiveFeedback"),
                net_votes(cloudwatch, HAIKU, "NegativeFeedback"),
                net_votes(cloudwatch, NOVA, "PositiveFeedback"),
                net_votes(cloudwatch, NOVA, "NegativeFeedback"),
            )
            == (1, 0, 0, 2)
        )
    )


def test_long_answers_split_errors_and_limits_reach_only_the_asker(
    bot: BotServer, bedrock: FakeBedrock, slack: FakeSlack
) -> None:
    long = "\n\n".join(f"Point {i}: " + "detail " * 30 for i in range(50))[:10_000]
    bedrock.reply(HAIKU, Reply(text=long, output_tokens=2500))
    ask(bot, "explain everything")
    posted, continued = posts(slack, 2)
    first = texts(posted)
    assert "The answer continues in the thread (3 more part(s))" in first[2]
    assert continued.args["thread_ts"] == posted.response["ts"]  # the rest is in its thread
    sections = [first[1], *texts(continued)]
    assert len(sections) >= 4 and all(len(text) <= 3000 for text in sections)
    assert "\n".join(sections).split() == long.split()
    # the bot offers both votes on the answer itself
    added = [(c.args["timestamp"], c.args["name"]) for c in slack.of("reactions.add")]
    assert added == [(posted.response["ts"], "+1"), (posted.response["ts"], "-1")]

    bedrock.reply(HAIKU, Reply(error="AccessDeniedException", message="not subscribed"))
    ask(bot, "are you there?")
    (denied,) = ephemeral(slack, 1)
    assert "No access to" in denied and "Model access" in denied

    bedrock.reply(HAIKU, Reply(error="ThrottlingException", times=3))
    ask(bot, "and now?")
    assert "throttling" in ephemeral(slack, 2)[1]
    assert len(bedrock.calls) == 1 + 1 + 3  # three attempts at most, then the asker is told

    bedrock.reply(HAIKU, Reply(text="Blocked: personal data.", stop_reason="guardrail_intervened"))
    ask(bot, "my card number is 4111 1111 1111 1111")
    blocked = ephemeral(slack, 3)[2]
    assert "guardrail intervened" in blocked and "Blocked: personal data." in blocked

    assert "Usage" in ask(bot, "")  # told in the ack, nothing asked
    ask(bot, "five")  # the 5th ask this hour
    ask(bot, "six")  # one too many: refused before Bedrock is called
    assert "5 asks per hour" in ephemeral(slack, 4)[3]
    posts(slack, 3)  # the long answer (2 messages) and the 5th ask's answer
    assert len(bedrock.calls) == 7
    assert len(slack.of("chat.postMessage")) == 3  # neither errors nor the blocked ask are public
    assert "4111" not in str([c.args for c in slack.of("chat.postMessage")])


def test_acks_stay_fast_while_slow_asks_are_in_flight(
    bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    """Bolt acks and lazy listeners share one small thread pool: asks waiting on a slow model
    must not hold it, or later commands miss Slack's 3 s and get "unhandled request"."""
    bedrock.default = Reply(delay_seconds=2.0)
    asks = 12
    env = {"GENAI_OPS_ASK_DEFAULT_MODEL": NOVA, "GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR": "100"}
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        with ThreadPoolExecutor(asks) as pool:
            replies = list(
                pool.map(lambda i: bot.command("/genai-ask", f"q{i}", user_id=f"U{i}"), range(asks))
            )
        assert [r.status for r in replies] == [200] * asks
        assert all("Asking" in r.body for r in replies)
        posts(slack, asks)


def view_submission(user: str, channel: str, ts: str, text: str) -> dict[str, Any]:
    """The ``view_submission`` payload Slack posts when the "other" modal is sent."""
    return {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "verification-token-unused",
        "trigger_id": "4.5.6",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "feedback_reason_other",
            "private_metadata": f"{channel}|{ts}",
            "state": {"values": {"reason_text": {"reason_text_input": {"value": text}}}},
        },
    }


def reason_count(cloudwatch: Any, model: str, reason: str) -> float:
    now = datetime.now(UTC)
    dims = [{"Name": "ModelId", "Value": model}, {"Name": "Reason", "Value": reason}]
    metric = {
        "Namespace": "GenAIOps/Feedback",
        "MetricName": "NegativeFeedbackReason",
        "Dimensions": dims,
    }
    result = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {"Id": "q", "MetricStat": {"Metric": metric, "Period": 300, "Stat": "Sum"}}
        ],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
    )
    return sum(result["MetricDataResults"][0]["Values"])


def test_a_thumbs_down_asks_why_and_the_reason_reaches_the_metric_and_the_stats(
    bot: BotServer, bedrock: FakeBedrock, slack: FakeSlack, cloudwatch: Any
) -> None:
    bedrock.reply(HAIKU, Reply(text="Prices are $1 per token.", input_tokens=10, output_tokens=9))
    ask(bot, "what does haiku cost?")
    (posted,) = posts(slack, 1)
    ts = posted.response["ts"]
    react(bot, ts, "U2", "+1", "Ev1")  # a thumbs up asks nothing
    react(bot, ts, "U2", "-1", "Ev2")
    react(bot, ts, "U3", "-1", "Ev3")
    asked = eventually(
        lambda: len(slack.of("chat.postEphemeral")) >= 2 and slack.of("chat.postEphemeral")
    )
    assert len(asked) == 2
    assert {(c.args["user"], c.args["channel"]) for c in asked} == {
        ("U2", CHANNEL),
        ("U3", CHANNEL),
    }
    buttons = [e["text"]["text"] for e in asked[0].args["blocks"][1]["elements"]]
    assert buttons == ["Wrong", "Incomplete", "Unsafe", "Slow", "Other…"]

    wrong = block_action(
        "feedback_reason_wrong", value=f"wrong|{CHANNEL}|{ts}", user_id="U2", channel_id=CHANNEL
    )
    assert bot.action(wrong).status == 200
    thanks = eventually(lambda: [c for c in slack.calls if c.method.startswith("/response/")])
    assert thanks[-1].args["text"] == "Thanks, noted as *Wrong*."

    other = block_action(
        "feedback_reason_other", value=f"other|{CHANNEL}|{ts}", user_id="U3", channel_id=CHANNEL
    )
    assert bot.action(other).status == 200
    (opened,) = eventually(lambda: slack.of("views.open"))
    assert opened.args["trigger_id"] == "1.2.3"
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "feedback_reason_other"
    secret = "it quoted a price list from 2019"
    assert bot.action(view_submission("U3", CHANNEL, ts, secret)).status == 200

    eventually(
        lambda: (
            reason_count(cloudwatch, HAIKU, "wrong") == 1
            and reason_count(cloudwatch, HAIKU, "other") == 1
        )
    )
    assert secret not in bot.logs()

    # /genai-stats reads up to the current minute, which holds the votes just cast: the same
    # datapoints a few minutes earlier (as the bot publishes them) are what it shows
    earlier = datetime.now(UTC) - timedelta(minutes=3)
    model = [{"Name": "ModelId", "Value": HAIKU}]
    data = [("Invocations", model, 3.0, "AWS/Bedrock")]
    data += [("NegativeFeedback", model, 2.0, "GenAIOps/Feedback")]
    data += [("PositiveFeedback", model, 0.0, "GenAIOps/Feedback")]
    data += [
        (
            "NegativeFeedbackReason",
            [*model, {"Name": "Reason", "Value": r}],
            1.0,
            "GenAIOps/Feedback",
        )
        for r in ("wrong", "other")
    ]
    for name, dims, value, namespace in data:
        cloudwatch.put_metric_data(
            Namespace=namespace,
            MetricData=[
                {"MetricName": name, "Dimensions": dims, "Timestamp": earlier, "Value": value}
            ],
        )
    before = len([c for c in slack.calls if c.method.startswith("/response/")])
    bot.command("/genai-stats", "24h", user_id=ASKER, channel_id=CHANNEL)
    replies = eventually(
        lambda: [c for c in slack.calls if c.method.startswith("/response/")][before:],
        timeout=60,
    )
    shown = json.dumps(replies[-1].args["blocks"])
    assert "why :-1:: other 1, wrong 1" in shown or "why :-1:: wrong 1, other 1" in shown
