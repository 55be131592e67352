"""GetInferenceProfile (moto lacks it): request shape checked by botocore's Stubber."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from alarms.pricing import TokenCounts
from bot.adapters.aws.profiles import RETRY_FAILED_AFTER_SECONDS, ProfileResolver
from bot.adapters.prices import Pricer

PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6"
AT = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bedrock() -> object:
    return boto3.client(
        "bedrock",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def profile_answer(*model_arns: str) -> dict[str, object]:
    return {
        "inferenceProfileName": "support-chat",
        "inferenceProfileArn": PROFILE,
        "inferenceProfileId": "a1b2c3d4e5f6",
        "status": "ACTIVE",
        "type": "APPLICATION",
        "models": [{"modelArn": arn} for arn in model_arns],
    }


def test_profile_resolves_once_and_prices_as_its_model(bedrock: object) -> None:
    with Stubber(bedrock) as stub:
        stub.add_response(
            "get_inference_profile",
            profile_answer(
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
            ),
            {"inferenceProfileIdentifier": PROFILE},
        )
        resolver = ProfileResolver(bedrock)
        pricer = Pricer(resolve_profile=resolver)
        first = pricer.price(PROFILE, TokenCounts(input=300, output=12), AT)
        again = Pricer(resolve_profile=resolver).price(PROFILE, TokenCounts(input=300), AT)
        stub.assert_no_pending_responses()
    assert first.usd == Decimal("0.00009")
    assert again.usd == Decimal("0.000075")
    assert resolver.api_calls == 1


def test_denied_profile_stays_unpriced_then_retries_later(bedrock: object) -> None:
    clock = Clock()
    with Stubber(bedrock) as stub:
        stub.add_client_error(
            "get_inference_profile",
            service_error_code="AccessDeniedException",
            service_message="not authorized to perform bedrock:GetInferenceProfile",
            http_status_code=403,
        )
        stub.add_response(
            "get_inference_profile",
            profile_answer("arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0"),
        )
        resolver = ProfileResolver(bedrock, timer=clock)
        pricer = Pricer(resolve_profile=resolver)
        denied = pricer.price(PROFILE, TokenCounts(input=10**6), AT)
        quiet = pricer.price(PROFILE, TokenCounts(input=10**6), AT)
        calls_while_quiet = resolver.api_calls
        clock.now += RETRY_FAILED_AFTER_SECONDS + 1
        later = pricer.price(PROFILE, TokenCounts(input=10**6), AT)
        stub.assert_no_pending_responses()
    assert denied.usd is None and "GetInferenceProfile" in denied.reason
    assert quiet.usd is None and calls_while_quiet == 1
    assert later.usd == Decimal("0.06")
