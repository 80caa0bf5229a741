"""Delivery channels behind one interface: SMS through a provider's templates, WeCom (企业微信)
application messages, and email over SMTP (STARTTLS or SMTPS).

Every channel answers `deliver(address, message, name=...)` with an `Outcome` — sent (with the
provider's message id), failed (with the provider's error code; `retry` when another attempt
may succeed) or skipped (with the reason) — and never raises for a provider's refusal, so that
the notify handler can record each recipient's result (`lianxin.notify.delivery`).

SMS in China is sent through templates approved by the provider: a sign name (签名), a
template code and the template's parameters, never free text. Each message *kind*
(`case.referred`, `reminder`, `resolution`, `tracking_code`, `account.setup`, `general` …) is
mapped to a template in the settings (`LIANXIN_SMS_TEMPLATES`):

    {"reminder": {"code": "SMS_465001", "params": ["name", "title"]},
     "tracking_code": {"code": "1834567", "params": {"code": "tracking_code"}, "max": 20}}

`params` lists the template's variables in order (Tencent's TemplateParamSet is positional,
Aliyun's TemplateParam a JSON object by name); a dict maps a template variable to the field of
the message that fills it. Fields: `title`, `body`, `link` (absolute), `name` (the
recipient's), and any key the caller put in `params`. A value is cut to `max` characters
(default 35, the providers' usual limit for a variable). A kind with no template is not sent by
SMS and is reported as skipped (`no_template`).
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, ClassVar, Protocol

import requests
from flask import current_app

log = logging.getLogger("lianxin.notify")

SENT, FAILED, SKIPPED = "sent", "failed", "skipped"
STATUSES = (SENT, FAILED, SKIPPED)

# Why a channel was not used or did not send (the `code` of a skipped outcome).
NO_PHONE = "no_phone"
NOT_MOBILE = "not_mobile"
NO_TEMPLATE = "no_template"
MISSING_PARAM = "missing_param"
OPTED_OUT = "opted_out"
NO_WECOM_ID = "no_wecom_id"
NO_EMAIL = "no_email"
NOT_CONFIGURED = "not_configured"

DEFAULT_PARAM_MAX = 35
TIMEOUT = 10  # seconds for one provider call
DIGITS = re.compile(r"\d{7,}")


@dataclass(frozen=True)
class Message:
    """What is sent: a title and body, an optional link, its kind and template parameters."""

    title: str
    body: str = ""
    link: str | None = None
    kind: str = "general"
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return f"{self.title} {self.body}".strip()


@dataclass(frozen=True)
class Outcome:
    status: str
    code: str | None = None  # a skip's reason or the provider's error code
    provider_id: str | None = None  # the provider's message id (BizId, SerialNo, msgid …)
    detail: str | None = None  # the provider's words, digits masked
    retry: bool = False  # a failure that another attempt may cure

    @classmethod
    def sent(cls, provider_id: str | None = None) -> Outcome:
        return cls(SENT, provider_id=provider_id)

    @classmethod
    def failed(cls, code: str, detail: str | None = None, *, retry: bool = True) -> Outcome:
        return cls(FAILED, code=code[:100], detail=_scrub(detail), retry=retry)

    @classmethod
    def skipped(cls, reason: str, detail: str | None = None) -> Outcome:
        return cls(SKIPPED, code=reason, detail=_scrub(detail))


def _scrub(text: str | None) -> str | None:
    """A provider's message with any run of 7+ digits (a phone number) masked, at most 300."""
    if not text:
        return None
    return DIGITS.sub(lambda m: mask_phone(m.group()), str(text))[:300]


class ChannelError(RuntimeError):
    """A failed send through the old `send(address, text)` call (callers that do not read an
    Outcome): the outbox retries the message."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(f"{outcome.code}: {outcome.detail or ''}".strip())
        self.outcome = outcome


class Channel(Protocol):
    name: ClassVar[str]  # sms / email / wecom
    provider: str  # log / aliyun / tencent / smtp / wecom

    def deliver(self, address: str, message: Message, *, name: str = "") -> Outcome: ...


def mask_phone(phone: str) -> str:
    """138****1234: enough for the office to tell numbers apart, never the number."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mobile_number(phone: str | None) -> str | None:
    """The 11 digits of a mainland mobile number (+86 / 86 / spaces / dashes removed), or None."""
    if not phone:
        return None
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    return None


def absolute(link: str | None) -> str | None:
    """A message's link as the recipient follows it (`lianxin.web.links`: one public address)."""
    from lianxin.web import links

    return links.absolute(link)


# --- SMS templates ----------------------------------------------------------------------------


class MissingParam(LookupError):
    pass


@dataclass(frozen=True)
class SmsTemplate:
    code: str
    params: tuple[tuple[str, str], ...]  # (template variable, message field), in order
    max_length: int = DEFAULT_PARAM_MAX

    def values(self, message: Message, *, name: str = "") -> list[tuple[str, str]]:
        fields: dict[str, Any] = {
            "title": message.title,
            "body": message.body,
            "text": message.text,
            "link": absolute(message.link),
            "name": name,
            **dict(message.params),
        }
        out = []
        for variable, source in self.params:
            value = fields.get(source)
            if value is None or value == "":
                raise MissingParam(source)
            text = str(value)
            if len(text) > self.max_length:
                text = text[: self.max_length - 1] + "…"
            out.append((variable, text))
        return out


def parse_templates(raw: Mapping[str, Any]) -> dict[str, SmsTemplate]:
    """The settings' template map; a malformed entry is a configuration error (ValueError)."""
    templates: dict[str, SmsTemplate] = {}
    for kind, entry in raw.items():
        if isinstance(entry, str):
            entry = {"code": entry, "params": []}
        if not isinstance(entry, Mapping) or not entry.get("code"):
            raise ValueError(f"SMS template of {kind!r} needs a code")
        params = entry.get("params") or []
        if isinstance(params, Mapping):
            pairs = tuple((str(k), str(v)) for k, v in params.items())
        elif isinstance(params, list | tuple):
            pairs = tuple((str(p), str(p)) for p in params)
        else:
            raise ValueError(f"SMS template of {kind!r}: params must be a list or an object")
        templates[str(kind)] = SmsTemplate(
            str(entry["code"]), pairs, int(entry.get("max", DEFAULT_PARAM_MAX))
        )
    return templates


class SmsChannel:
    """SMS through a provider's template API: the number, the kind's template, then `_send`.

    `send(phone, text)` is the older call (no kind, no outcome) kept for its callers: the text
    goes as kind "general" with the parameters `title`/`text`, and a failure raises.
    """

    name: ClassVar[str] = "sms"
    provider = "sms"

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = dict(config if config is not None else current_app.config)
        self.sign_name = str(self.config.get("SMS_SIGN_NAME") or "")
        self.templates = parse_templates(self.config.get("SMS_TEMPLATES") or {})
        self._client: Any = None  # the provider's SDK client, made once per channel

    def deliver(self, address: str, message: Message, *, name: str = "") -> Outcome:
        number = mobile_number(address)
        if number is None:
            return Outcome.skipped(NOT_MOBILE if address else NO_PHONE)
        template = self.templates.get(message.kind)
        if template is None:
            return self._without_template(number, message)
        try:
            values = template.values(message, name=name)
        except MissingParam as exc:
            return Outcome.skipped(MISSING_PARAM, str(exc))
        try:
            return self._send(number, template, values)
        except Exception as exc:  # the SDK's own refusal, a timeout, the network
            code = _error_code(exc)
            return Outcome.failed(code, str(exc), retry=code not in self.PERMANENT)

    PERMANENT: ClassVar[frozenset[str]] = frozenset()

    def _without_template(self, number: str, message: Message) -> Outcome:
        return Outcome.skipped(NO_TEMPLATE, message.kind)

    def _send(self, number: str, template: SmsTemplate, values: list[tuple[str, str]]) -> Outcome:
        raise NotImplementedError

    def send(self, phone: str, text: str) -> Outcome:
        outcome = self.deliver(phone, Message(title=text))
        if outcome.status == FAILED:
            raise ChannelError(outcome)
        return outcome


def _error_code(exc: BaseException) -> str:
    for attribute in ("code", "errcode"):
        value = getattr(exc, attribute, None)
        if value:
            return str(value)
    getter = getattr(exc, "get_code", None)
    if callable(getter):
        value = getter()
        if value:
            return str(value)
    return type(exc).__name__


class LogSmsChannel(SmsChannel):
    """The development default: writes what would be sent to the log (the number masked).

    Without a template for the kind the text is logged as it is, so that every message shows
    in development; a provider would skip it (`no_template`).
    """

    provider = "log"

    def _without_template(self, number: str, message: Message) -> Outcome:
        log.info("sms to=%s kind=%s text=%s", mask_phone(number), message.kind, message.text)
        return Outcome.sent("log")

    def _send(self, number: str, template: SmsTemplate, values: list[tuple[str, str]]) -> Outcome:
        log.info(
            "sms to=%s sign=%s template=%s params=%s",
            mask_phone(number),
            self.sign_name,
            template.code,
            json.dumps(dict(values), ensure_ascii=False),
        )
        return Outcome.sent("log")


def _endpoint(config: Mapping[str, Any], default: str) -> tuple[str, str]:
    """(scheme, host[:port]) of the provider's API: LIANXIN_SMS_ENDPOINT or its default."""
    raw = str(config.get("SMS_ENDPOINT") or default)
    scheme, _, host = raw.rpartition("://")
    return (scheme or "https"), host.rstrip("/")


class AliyunSmsChannel(SmsChannel):
    """阿里云短信 SendSms (API 2017-05-25) through alibabacloud-dysmsapi20170525: SignName,
    TemplateCode and TemplateParam (a JSON object of the template's variables)."""

    provider = "aliyun"
    ENDPOINT = "dysmsapi.aliyuncs.com"
    # Refusals another attempt cannot cure: the number, the template or its parameters.
    PERMANENT = frozenset(
        {
            "isv.MOBILE_NUMBER_ILLEGAL",
            "isv.TEMPLATE_MISSING_PARAMETERS",
            "isv.INVALID_PARAMETERS",
            "isv.PARAM_LENGTH_LIMIT",
            "isv.SMS_TEMPLATE_ILLEGAL",
            "isv.SMS_SIGNATURE_ILLEGAL",
            "isv.BLACK_KEY_CONTROL_LIMIT",
        }
    )

    def client(self) -> Any:
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def _new_client(self) -> Any:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi

        scheme, host = _endpoint(self.config, self.ENDPOINT)
        return Client(
            openapi.Config(
                access_key_id=self.config["SMS_KEY_ID"],
                access_key_secret=self.config["SMS_KEY_SECRET"],
                endpoint=host,
                protocol=scheme,
                region_id=self.config.get("SMS_REGION") or "cn-hangzhou",
            )
        )

    def _send(self, number: str, template: SmsTemplate, values: list[tuple[str, str]]) -> Outcome:
        from alibabacloud_dysmsapi20170525 import models as sms
        from alibabacloud_tea_util import models as util

        request = sms.SendSmsRequest(
            phone_numbers=number,
            sign_name=self.sign_name,
            template_code=template.code,
            template_param=json.dumps(dict(values), ensure_ascii=False),
        )
        runtime = util.RuntimeOptions(
            connect_timeout=TIMEOUT * 1000, read_timeout=TIMEOUT * 1000, autoretry=False
        )
        body = self.client().send_sms_with_options(request, runtime).body
        if body.code == "OK":
            return Outcome.sent(body.biz_id)
        code = str(body.code or "unknown")
        return Outcome.failed(code, body.message, retry=code not in self.PERMANENT)


class TencentSmsChannel(SmsChannel):
    """腾讯云短信 SendSms (API 2021-01-11) through tencentcloud-sdk-python-sms: SmsSdkAppId,
    SignName, TemplateId and TemplateParamSet (the variables in the template's order)."""

    provider = "tencent"
    ENDPOINT = "sms.tencentcloudapi.com"
    PERMANENT = frozenset(
        {
            "InvalidParameterValue.IncorrectPhoneNumber",
            "FailedOperation.PhoneNumberInBlacklist",
            "FailedOperation.TemplateIncorrectOrUnapproved",
            "FailedOperation.SignatureIncorrectOrUnapproved",
            "InvalidParameterValue.TemplateParameterFormatError",
            "InvalidParameterValue.TemplateParameterLengthLimit",
            "FailedOperation.MissingTemplateToModify",
        }
    )

    def client(self) -> Any:
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def _new_client(self) -> Any:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        scheme, host = _endpoint(self.config, self.ENDPOINT)
        http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=TIMEOUT)
        return sms_client.SmsClient(
            credential.Credential(self.config["SMS_KEY_ID"], self.config["SMS_KEY_SECRET"]),
            self.config.get("SMS_REGION") or "ap-guangzhou",
            ClientProfile(httpProfile=http),
        )

    def _send(self, number: str, template: SmsTemplate, values: list[tuple[str, str]]) -> Outcome:
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.SmsSdkAppId = str(self.config["SMS_SDK_APP_ID"])
        request.SignName = self.sign_name
        request.TemplateId = template.code
        request.TemplateParamSet = [value for _variable, value in values]
        request.PhoneNumberSet = [f"+86{number}"]
        response = self.client().SendSms(request)
        statuses = response.SendStatusSet or []
        if not statuses:
            return Outcome.failed("no_status", "SendStatusSet empty")
        status = statuses[0]
        if status.Code == "Ok":
            return Outcome.sent(status.SerialNo)
        code = str(status.Code or "unknown")
        return Outcome.failed(code, status.Message, retry=code not in self.PERMANENT)


# Error codes not worth another attempt: a retry of the message (for another recipient's sake)
# does not try a row that failed with one of these again.
FINAL_CODES = (
    AliyunSmsChannel.PERMANENT
    | TencentSmsChannel.PERMANENT
    | {
        "invaliduser",
        "SMTPRecipientsRefused",
        "SMTPSenderRefused",
    }
)

SMS_CHANNELS: dict[str, type[SmsChannel]] = {
    "log": LogSmsChannel,
    "aliyun": AliyunSmsChannel,
    "tencent": TencentSmsChannel,
}


def sms_channel() -> SmsChannel:
    return SMS_CHANNELS[current_app.config["SMS_CHANNEL"]]()


# --- WeCom (企业微信) application messages --------------------------------------------------------

# access_token per (API base, corp id, secret): valid 7200 s, fetched again 5 minutes early.
_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid or expired access_token


class WeComChannel:
    """An application message (应用消息) of the township's WeCom app: `gettoken` with the corp
    id and the app's secret, then `message/send` with the agent id and `touser` = the user's
    WeCom userid; a text card when the message has a link, plain text otherwise."""

    name: ClassVar[str] = "wecom"
    provider = "wecom"

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = dict(config if config is not None else current_app.config)
        self.base = str(self.config.get("WECOM_API_BASE") or "https://qyapi.weixin.qq.com")
        self.base = self.base.rstrip("/")

    @staticmethod
    def configured(config: Mapping[str, Any]) -> bool:
        return all(config.get(k) for k in ("WECOM_CORP_ID", "WECOM_SECRET", "WECOM_AGENT_ID"))

    def _key(self) -> tuple[str, str, str]:
        return (self.base, str(self.config["WECOM_CORP_ID"]), str(self.config["WECOM_SECRET"]))

    def _token(self, *, fresh: bool = False) -> str:
        key = self._key()
        with _tokens_lock:
            known = _tokens.get(key)
            if known and not fresh and known[1] > time.monotonic():
                return known[0]
        response = requests.get(
            f"{self.base}/cgi-bin/gettoken",
            params={"corpid": key[1], "corpsecret": key[2]},
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        data = response.json()
        if data.get("errcode", 0) != 0:
            raise WeComError(data.get("errcode"), data.get("errmsg"))
        token = str(data["access_token"])
        expires = time.monotonic() + max(60, int(data.get("expires_in", 7200)) - 300)
        with _tokens_lock:
            _tokens[key] = (token, expires)
        return token

    def _body(self, userid: str, message: Message) -> dict[str, Any]:
        agent = int(self.config["WECOM_AGENT_ID"])
        link = absolute(message.link)
        if link:
            return {
                "touser": userid,
                "msgtype": "textcard",
                "agentid": agent,
                "textcard": {
                    "title": message.title[:60],
                    "description": (message.body or message.title)[:250],
                    "url": link,
                    "btntxt": "详情",
                },
            }
        return {
            "touser": userid,
            "msgtype": "text",
            "agentid": agent,
            "text": {"content": message.text[:1000]},
        }

    def deliver(self, address: str, message: Message, *, name: str = "") -> Outcome:
        if not address:
            return Outcome.skipped(NO_WECOM_ID)
        if not self.configured(self.config):
            return Outcome.skipped(NOT_CONFIGURED)
        try:
            data = self._post(self._token(), address, message)
            if data.get("errcode") in TOKEN_ERRORS:  # the token expired early: once more
                data = self._post(self._token(fresh=True), address, message)
        except WeComError as exc:
            return Outcome.failed(str(exc.errcode), exc.errmsg)
        except Exception as exc:  # network, HTTP status, a body that is not JSON
            return Outcome.failed(_error_code(exc), str(exc))
        errcode = data.get("errcode", -1)
        if errcode != 0:
            return Outcome.failed(str(errcode), data.get("errmsg"))
        invalid = str(data.get("invaliduser") or "").split("|")
        if address in invalid:
            # An unknown userid, or one outside the app's visible range: not worth a retry.
            return Outcome.failed("invaliduser", data.get("errmsg"), retry=False)
        return Outcome.sent(str(data.get("msgid") or "") or None)

    def _post(self, token: str, userid: str, message: Message) -> dict[str, Any]:
        response = requests.post(
            f"{self.base}/cgi-bin/message/send",
            params={"access_token": token},
            data=json.dumps(self._body(userid, message), ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        return dict(response.json())


class WeComError(RuntimeError):
    def __init__(self, errcode: Any, errmsg: Any) -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = None if errmsg is None else str(errmsg)


def wecom_channel() -> WeComChannel | None:
    """The WeCom channel where the platform is configured for it, else None."""
    if not WeComChannel.configured(current_app.config):
        return None
    return WeComChannel()


# --- email ------------------------------------------------------------------------------------

PERMANENT_SMTP = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


def tls_context() -> ssl.SSLContext:
    """The TLS context of SMTPS and STARTTLS (the system's certificate authorities)."""
    return ssl.create_default_context()


def mail_domain(config: Mapping[str, Any]) -> str:
    if config.get("MAIL_DOMAIN"):
        return str(config["MAIL_DOMAIN"])
    address = parseaddr(str(config.get("MAIL_FROM") or ""))[1]
    return address.rpartition("@")[2] or "localhost"


class EmailChannel:
    """Email over SMTP: SMTPS (`LIANXIN_SMTP_SSL`), STARTTLS (`LIANXIN_SMTP_STARTTLS`) or plain;
    every mail carries `Date` and `Message-ID`. Without an SMTP host the mail is logged."""

    name: ClassVar[str] = "email"

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = dict(config if config is not None else current_app.config)
        self.provider = "smtp" if self.config.get("SMTP_HOST") else "log"

    def compose(self, address: str, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.config["MAIL_FROM"]
        mail["To"] = address
        mail["Subject"] = message.title
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=mail_domain(self.config))
        link = absolute(message.link)
        mail.set_content(message.body + (f"\n\n{link}" if link else ""))
        return mail

    def deliver(self, address: str, message: Message, *, name: str = "") -> Outcome:
        if not address:
            return Outcome.skipped(NO_EMAIL)
        mail = self.compose(address, message)
        if self.provider == "log":
            log.info("email (no SMTP host set) to=%s title=%s", address, message.title)
            return Outcome.sent(mail["Message-ID"])
        try:
            self._transmit(mail)
        except PERMANENT_SMTP as exc:
            return Outcome.failed(type(exc).__name__, str(exc), retry=False)
        except (smtplib.SMTPException, OSError) as exc:
            code = getattr(exc, "smtp_code", None)
            return Outcome.failed(str(code) if code else type(exc).__name__, str(exc))
        return Outcome.sent(mail["Message-ID"])

    def _transmit(self, mail: EmailMessage) -> None:
        config = self.config
        host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
        smtp: smtplib.SMTP
        if config.get("SMTP_SSL"):
            smtp = smtplib.SMTP_SSL(host, port, timeout=20, context=tls_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=20)
        with smtp:
            if config.get("SMTP_STARTTLS") and not config.get("SMTP_SSL"):
                smtp.starttls(context=tls_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(mail)

    def send(self, address: str, message: Message) -> Outcome:
        """The older call: a failure raises (the outbox retries the message)."""
        outcome = self.deliver(address, message)
        if outcome.status == FAILED:
            raise ChannelError(outcome)
        return outcome
