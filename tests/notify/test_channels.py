"""Each channel adapter against a local stand-in of its provider, through the provider's real
SDK or API: the request carries the sign name, the template code and the parameters — never
the message's free text — and a provider's refusal comes back as a failed outcome with its
code (retried unless the code says another attempt cannot help)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from lianxin.notify import channels
from lianxin.notify.channels import (
    AliyunSmsChannel,
    EmailChannel,
    LogSmsChannel,
    Message,
    TencentSmsChannel,
    WeComChannel,
)
from tests.notify.fakes import fake_http, self_signed, smtp_server

FREE_TEXT = "请于明日上午九点到村委会参加接待日活动，如有事请向联络站请假"

TEMPLATES = {
    "reminder": {"code": "SMS_465001", "params": ["name", "title"]},
    "tracking_code": {"code": "SMS_465002", "params": {"code": "tracking_code"}},
}


def sms_config(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "SMS_KEY_ID": "test-key-id",
        "SMS_KEY_SECRET": "test-key-secret",
        "SMS_SIGN_NAME": "连心平台",
        "SMS_SDK_APP_ID": "1400000001",
        "SMS_ENDPOINT": url,
        "SMS_TEMPLATES": TEMPLATES,
        **extra,
    }


REMINDER = Message(title="接待日提醒", body=FREE_TEXT, kind="reminder")


# --- Aliyun -------------------------------------------------------------------------------------


def aliyun_ok(request) -> tuple[int, Any]:
    return 200, {"Code": "OK", "Message": "OK", "BizId": "900619^0", "RequestId": "R-1"}


def test_aliyun_sends_sign_name_template_code_and_parameters():
    with fake_http(aliyun_ok) as fake:
        outcome = AliyunSmsChannel(sms_config(fake.url)).deliver(
            "138 0013 8000", REMINDER, name="王芳"
        )
    assert (outcome.status, outcome.provider_id) == ("sent", "900619^0")
    (request,) = fake.requests
    params = request.params
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert params["SignName"] == "连心平台"
    assert params["TemplateCode"] == "SMS_465001"
    assert json.loads(params["TemplateParam"]) == {"name": "王芳", "title": "接待日提醒"}
    assert params["PhoneNumbers"] == "13800138000"
    assert "Credential=test-key-id," in request.headers["authorization"]  # signed with the key
    assert FREE_TEXT not in request.raw  # the body never leaves as free text


@pytest.mark.parametrize(
    ("code", "retry"), [("isv.BUSINESS_LIMIT_CONTROL", True), ("isv.MOBILE_NUMBER_ILLEGAL", False)]
)
def test_aliyun_refusal_is_a_failure_with_its_code(code, retry):
    def refuse(request):
        return 200, {"Code": code, "Message": "触发分钟级流控 13800138000", "RequestId": "R-2"}

    with fake_http(refuse) as fake:
        outcome = AliyunSmsChannel(sms_config(fake.url)).deliver("13800138000", REMINDER, name="王")
    assert (outcome.status, outcome.code, outcome.retry) == ("failed", code, retry)
    assert "13800138000" not in (outcome.detail or "")  # a number in the provider's words: masked


def test_aliyun_http_error_is_a_failure_to_retry():
    def broken(request):
        return 500, {"Code": "InternalError", "Message": "服务异常", "RequestId": "R-3"}

    with fake_http(broken) as fake:
        outcome = AliyunSmsChannel(sms_config(fake.url)).deliver("13800138000", REMINDER, name="王")
    assert outcome.status == "failed" and outcome.retry
    assert outcome.code == "InternalError"


# --- Tencent ------------------------------------------------------------------------------------


def tencent_ok(request) -> tuple[int, Any]:
    return 200, {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "2028:5876",
                    "PhoneNumber": "+8613800138000",
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "T-1",
        }
    }


def test_tencent_sends_app_id_sign_name_template_id_and_parameter_set():
    with fake_http(tencent_ok) as fake:
        outcome = TencentSmsChannel(sms_config(fake.url)).deliver(
            "+86 138-0013-8000", REMINDER, name="王芳"
        )
    assert (outcome.status, outcome.provider_id) == ("sent", "2028:5876")
    (request,) = fake.requests
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == "2021-01-11"
    assert request.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=test-key-id/")
    body = request.json
    assert body["SmsSdkAppId"] == "1400000001"
    assert body["SignName"] == "连心平台"
    assert body["TemplateId"] == "SMS_465001"
    assert body["TemplateParamSet"] == ["王芳", "接待日提醒"]  # the template's order
    assert body["PhoneNumberSet"] == ["+8613800138000"]
    assert FREE_TEXT not in request.raw


def test_tencent_error_is_a_failure_with_its_code():
    def refuse(request):
        return 200, {
            "Response": {
                "Error": {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "超出日上限"},
                "RequestId": "T-2",
            }
        }

    with fake_http(refuse) as fake:
        outcome = TencentSmsChannel(sms_config(fake.url)).deliver(
            "13800138000", REMINDER, name="王"
        )
    assert (outcome.status, outcome.code, outcome.retry) == (
        "failed",
        "LimitExceeded.PhoneNumberDailyLimit",
        True,
    )


def test_tencent_per_number_refusal():
    def bad_number(request):
        status = tencent_ok(request)[1]
        status["Response"]["SendStatusSet"][0].update(
            Code="InvalidParameterValue.IncorrectPhoneNumber", Message="手机号格式错误"
        )
        return 200, status

    with fake_http(bad_number) as fake:
        outcome = TencentSmsChannel(sms_config(fake.url)).deliver(
            "13800138000", REMINDER, name="王"
        )
    assert outcome.status == "failed" and not outcome.retry
    assert outcome.code == "InvalidParameterValue.IncorrectPhoneNumber"


# --- what is not sent ---------------------------------------------------------------------------


@pytest.mark.parametrize("adapter", [AliyunSmsChannel, TencentSmsChannel])
def test_a_kind_without_a_template_is_skipped_and_nothing_is_sent(adapter):
    with fake_http(aliyun_ok) as fake:
        sms = adapter(sms_config(fake.url))
        general = sms.deliver("13800138000", Message(title="通知", body=FREE_TEXT), name="王")
        landline = sms.deliver("0571-8888 8888", REMINDER, name="王")
        missing = sms.deliver("13800138000", Message(title="码", kind="tracking_code"), name="王")
    assert (general.status, general.code) == ("skipped", "no_template")
    assert (landline.status, landline.code) == ("skipped", "not_mobile")
    assert (missing.status, missing.code, missing.detail) == (
        "skipped",
        "missing_param",
        "tracking_code",
    )
    assert fake.requests == []


def test_template_parameters_come_from_the_message_and_are_cut_to_the_limit():
    templates = {"reminder": {"code": "1", "params": {"t": "title", "who": "name"}, "max": 6}}
    with fake_http(aliyun_ok) as fake:
        AliyunSmsChannel(sms_config(fake.url, SMS_TEMPLATES=templates)).deliver(
            "13800138000", Message(title="一二三四五六七八", kind="reminder"), name="欧阳"
        )
    assert json.loads(fake.requests[0].params["TemplateParam"]) == {
        "t": "一二三四五…",
        "who": "欧阳",
    }


def test_the_log_channel_logs_masked_and_sends_nothing(caplog):
    caplog.set_level("INFO", logger="lianxin.notify")
    sms = LogSmsChannel({"SMS_TEMPLATES": TEMPLATES, "SMS_SIGN_NAME": "连心平台"})
    templated = sms.deliver("13800138000", REMINDER, name="王芳")
    plain = sms.deliver("13800138000", Message(title="通知"), name="王芳")
    assert templated.status == plain.status == "sent"
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text
    assert "SMS_465001" in caplog.text


def test_the_older_send_call_raises_on_failure():
    def refuse(request):
        return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "流控", "RequestId": "R"}

    general = {"general": {"code": "SMS_1", "params": ["text"]}}
    with fake_http(refuse) as fake:
        sms = AliyunSmsChannel(sms_config(fake.url, SMS_TEMPLATES=general))
        with pytest.raises(channels.ChannelError):
            sms.send("13800138000", "您好")
    assert json.loads(fake.requests[0].params["TemplateParam"]) == {"text": "您好"}


# --- WeCom --------------------------------------------------------------------------------------


def wecom_config(url: str) -> dict[str, Any]:
    return {
        "WECOM_CORP_ID": "ww-corp",
        "WECOM_SECRET": "app-secret",
        "WECOM_AGENT_ID": "1000002",
        "WECOM_API_BASE": url,
    }


class WeComFake:
    def __init__(self) -> None:
        self.tokens = 0
        self.expire_next = False
        self.invalid: set[str] = set()

    def __call__(self, request) -> tuple[int, Any]:
        if request.path.startswith("/cgi-bin/gettoken"):
            self.tokens += 1
            return 200, {"errcode": 0, "access_token": f"TOKEN{self.tokens}", "expires_in": 7200}
        if self.expire_next:
            self.expire_next = False
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        user = request.json["touser"]
        return 200, {
            "errcode": 0,
            "errmsg": "ok",
            "invaliduser": user if user in self.invalid else "",
            "msgid": f"msg-{len(request.body)}",
        }


@pytest.fixture(autouse=True)
def _no_cached_tokens():
    channels._tokens.clear()
    yield
    channels._tokens.clear()


def test_wecom_application_message_with_agent_and_userid():
    provider = WeComFake()
    with fake_http(provider) as fake:
        wecom = WeComChannel(wecom_config(fake.url))
        card = wecom.deliver(
            "ZhangSan",
            Message(
                title="诉求已交办", body="请在十日内答复", link="https://lx.example.cn/t/a/cases/9"
            ),
        )
        text = wecom.deliver("ZhangSan", Message(title="接待日提醒", body="明天九点"))
    assert card.status == text.status == "sent"
    token_call, card_call, text_call = fake.requests
    assert token_call.query == {"corpid": "ww-corp", "corpsecret": "app-secret"}
    assert card_call.query["access_token"] == "TOKEN1" == text_call.query["access_token"]
    body = card_call.json
    assert (body["touser"], body["agentid"], body["msgtype"]) == ("ZhangSan", 1000002, "textcard")
    assert body["textcard"]["url"] == "https://lx.example.cn/t/a/cases/9"
    assert text_call.json["text"] == {"content": "接待日提醒 明天九点"}
    assert provider.tokens == 1  # the token is kept


def test_wecom_expired_token_is_fetched_again_and_invalid_user_is_final():
    provider = WeComFake()
    with fake_http(provider) as fake:
        wecom = WeComChannel(wecom_config(fake.url))
        assert wecom.deliver("LiSi", Message(title="一")).status == "sent"
        provider.expire_next = True
        assert wecom.deliver("LiSi", Message(title="二")).status == "sent"
        provider.invalid.add("Nobody")
        refused = wecom.deliver("Nobody", Message(title="三"))
    assert provider.tokens == 2
    assert (refused.status, refused.code, refused.retry) == ("failed", "invaliduser", False)


def test_wecom_without_settings_or_userid_is_skipped():
    assert WeComChannel({}).deliver("LiSi", Message(title="一")).code == "not_configured"
    assert WeComChannel(wecom_config("http://127.0.0.1:1")).deliver("", Message("一")).code == (
        "no_wecom_id"
    )


# --- email --------------------------------------------------------------------------------------


def mail_config(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": False,
        "SMTP_SSL": False,
        "MAIL_FROM": "连心平台 <noreply@lianxin.example.cn>",
        "MAIL_DOMAIN": "",
        **extra,
    }


def test_email_carries_date_and_message_id():
    with smtp_server() as box:
        outcome = EmailChannel(mail_config(box.port)).deliver(
            "wang@example.cn", Message(title="账号设置", body="请设置密码")
        )
    assert outcome.status == "sent"
    (mail,) = box.messages()
    assert mail["Subject"] == "账号设置"
    # In UTC ("-0000": formatdate(localtime=False)), whatever the server's zone.
    sent_at = parsedate_to_datetime(mail["Date"]).replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - sent_at).total_seconds()) < 120
    assert mail["Date"].endswith("-0000")
    assert mail["Message-ID"].endswith("@lianxin.example.cn>")
    assert mail["Message-ID"] == outcome.provider_id


def test_smtps_speaks_tls_from_the_first_byte(tmp_path, monkeypatch):
    import ssl

    cert, key = self_signed(tmp_path)
    trusted = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(channels, "tls_context", lambda: trusted)
    config = mail_config(0, SMTP_SSL=True, SMTP_USER="lx", SMTP_PASSWORD="pw", MAIL_DOMAIN="m.cn")
    with smtp_server((cert, key)) as box:
        config["SMTP_PORT"] = box.port
        outcome = EmailChannel(config).deliver("li@example.cn", Message(title="通知", body="正文"))
    assert outcome.status == "sent", outcome
    assert box.tls and "AUTH" in box.commands and "STARTTLS" not in box.commands
    (mail,) = box.messages()
    assert mail["Message-ID"].endswith("@m.cn>") and mail["Date"]


def test_smtps_to_a_plain_server_fails_and_is_retried(tmp_path):
    with smtp_server() as box:  # no TLS: the handshake fails
        outcome = EmailChannel(mail_config(box.port, SMTP_SSL=True)).deliver(
            "li@example.cn", Message(title="通知")
        )
    assert outcome.status == "failed" and outcome.retry
    assert box.received == []


def test_smtp_settings_from_the_environment(tmp_path):
    from lianxin.config import from_environ

    base = {"LIANXIN_SECRET_KEY": "k"}
    ssl_on = from_environ({**base, "LIANXIN_SMTP_SSL": "true"}, instance_path=str(tmp_path))
    assert (ssl_on["SMTP_SSL"], ssl_on["SMTP_PORT"]) == (True, 465)
    with pytest.raises(RuntimeError, match="exclude"):
        from_environ(
            {**base, "LIANXIN_SMTP_SSL": "1", "LIANXIN_SMTP_STARTTLS": "1"},
            instance_path=str(tmp_path),
        )
    with pytest.raises(RuntimeError, match="LIANXIN_SMS_SIGN_NAME"):
        from_environ(
            {**base, "LIANXIN_SMS_CHANNEL": "aliyun", "LIANXIN_SMS_KEY_ID": "a"},
            instance_path=str(tmp_path),
        )
    with pytest.raises(RuntimeError, match="needs a code"):
        from_environ(
            {**base, "LIANXIN_SMS_TEMPLATES": '{"reminder": {"params": ["title"]}}'},
            instance_path=str(tmp_path),
        )
    templates = tmp_path / "sms.json"
    templates.write_text(json.dumps(TEMPLATES), encoding="utf-8")
    tencent = from_environ(
        {
            **base,
            "LIANXIN_SMS_CHANNEL": "tencent",
            "LIANXIN_SMS_KEY_ID": "a",
            "LIANXIN_SMS_KEY_SECRET": "b",
            "LIANXIN_SMS_SIGN_NAME": "连心",
            "LIANXIN_SMS_SDK_APP_ID": "1400",
            "LIANXIN_SMS_TEMPLATES": str(templates),
        },
        instance_path=str(tmp_path),
    )
    assert tencent["SMS_TEMPLATES"] == TEMPLATES
