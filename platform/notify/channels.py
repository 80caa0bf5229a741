"""Delivery channels: the in-app inbox, email over SMTP, and SMS behind an interface."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

log = logging.getLogger("lianxin.notify")


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str | None = None


class EmailChannel:
    def send(self, address: str, message: Message) -> None:
        config = current_app.config
        if not config["SMTP_HOST"]:
            log.info("email (no SMTP host set) to=%s title=%s", address, message.title)
            return
        mail = EmailMessage()
        mail["From"] = config["MAIL_FROM"]
        mail["To"] = address
        mail["Subject"] = message.title
        mail.set_content(message.body + (f"\n\n{message.link}" if message.link else ""))
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(mail)


class SmsChannel(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsChannel:
    """The default SMS channel: writes the message to the log. A gateway replaces it."""

    def send(self, phone: str, text: str) -> None:
        log.info("sms to=%s text=%s", phone[:3] + "****" + phone[-4:], text)


SMS_CHANNELS: dict[str, type] = {"log": LogSmsChannel}


def sms_channel() -> SmsChannel:
    return SMS_CHANNELS[current_app.config["SMS_CHANNEL"]]()  # type: ignore[no-any-return]
