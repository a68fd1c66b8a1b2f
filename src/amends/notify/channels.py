"""Sending one message on one channel: email through the SMTP server, or a webhook in the
shape Microsoft Teams Workflows or Slack accepts. Webhooks go through the same outbound guard
as the platforms (public addresses only, no redirects, no proxies)."""

from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from amends.connectors import addresses, guard


@dataclass(frozen=True)
class Message:
    """What every channel says: a title, a sentence or two, and a link into the desk (signing in
    is needed; nothing is decided from a message)."""

    title: str
    text: str
    link: str

    def email_body(self) -> str:
        return f"{self.text}\n\nOpen the desk to act (you will be asked to sign in):\n{self.link}\n"


def teams_payload(message: Message) -> dict:
    """An Adaptive Card, as the Teams Workflows "When a Teams webhook request is received"
    trigger expects: a message with one card attachment."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": message.title,
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": message.text, "wrap": True},
                    ],
                    "actions": [
                        {"type": "Action.OpenUrl", "title": "Open the desk", "url": message.link}
                    ],
                },
            }
        ],
    }


def slack_payload(message: Message) -> dict:
    """An incoming-webhook message: ``text`` for notifications, blocks for the layout."""
    return {
        "text": f"{message.title}: {message.text}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(message.text)}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open the desk"},
                        "url": message.link,
                    }
                ],
            },
        ],
    }


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class NotSent(Exception):
    """The message could not be sent; the text says why, in Amends' own words."""


def send_email(address: str, message: Message) -> None:
    if not settings.NOTIFY_EMAIL_HOST:
        raise NotSent("no mail server is set (AMENDS_EMAIL_HOST)")
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=settings.NOTIFY_EMAIL_HOST,
        port=settings.NOTIFY_EMAIL_PORT,
        username=settings.NOTIFY_EMAIL_USER or None,
        password=settings.NOTIFY_EMAIL_PASSWORD or None,
        use_tls=settings.NOTIFY_EMAIL_TLS,
        timeout=10,
    )
    email = EmailMessage(
        subject=message.title,
        body=message.email_body(),
        from_email=settings.NOTIFY_EMAIL_FROM,
        to=[address],
        connection=connection,
    )
    try:
        email.send()
    except OSError as error:
        raise NotSent(f"the mail server did not take it ({type(error).__name__})") from None


def post_webhook(url: str, payload: dict) -> None:
    try:
        with httpx.Client(
            transport=guard.transport(), follow_redirects=False, trust_env=False, timeout=10
        ) as client:
            response = client.post(url, json=payload)
    except addresses.NotPublic as refusal:
        raise NotSent(str(refusal)) from None
    except (httpx.HTTPError, OSError) as error:
        raise NotSent(f"the webhook could not be reached ({type(error).__name__})") from None
    if not 200 <= response.status_code < 300:
        # Never the body: the URL is whatever a person typed.
        raise NotSent(f"the webhook answered {response.status_code}")


def send(kind: str, address: str, message: Message) -> None:
    if kind == "email":
        send_email(address, message)
    elif kind == "teams":
        post_webhook(address, teams_payload(message))
    elif kind == "slack":
        post_webhook(address, slack_payload(message))
    else:
        raise NotSent(f"unknown channel {kind!r}")
