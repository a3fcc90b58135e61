"""Ways an e-mail leaves: SMTP, the log (no server set), or a list kept in memory (tests).

A transport is only ever called by the outbox's delivery, after the message's
transaction has committed and with no transaction open.
"""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

log_name = "timebank.mail"


class MailNotSent(Exception):
    """The transport could not hand the message over; the outbox tries again later."""


@dataclass(frozen=True)
class Envelope:
    message_id: int
    kind: str
    recipient: str
    subject: str
    body: str


class SmtpTransport:
    def __init__(self, *, server, port, sender, username=None, password=None, use_tls=False,
                 timeout=10):
        self.server, self.port, self.sender = server, port, sender
        self.username, self.password = username, password
        self.use_tls, self.timeout = use_tls, timeout

    def send(self, envelope: Envelope):
        message = EmailMessage()
        message["From"], message["To"] = self.sender, envelope.recipient
        message["Subject"] = envelope.subject
        message.set_content(envelope.body)
        try:
            with smtplib.SMTP(self.server, self.port, timeout=self.timeout) as smtp:
                if self.use_tls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailNotSent(type(error).__name__) from error


class LogTransport:
    """No mail server: the log says a message would have gone (never its body, which may
    hold a single-use link)."""

    def __init__(self, logger):
        self.logger = logger

    def send(self, envelope: Envelope):
        self.logger.info("mail %s (message %s) not sent: no MAIL_SERVER is set",
                         envelope.kind, envelope.message_id)


class MemoryTransport:
    """Keeps what was sent, for tests and for looking at messages without a server."""

    def __init__(self):
        self.sent: list[Envelope] = []

    def send(self, envelope: Envelope):
        self.sent.append(envelope)


def for_app(app):
    """The app's transport: one set in app.extensions["timebank_mail_transport"], else the one
    MAIL_TRANSPORT names ("smtp" when MAIL_SERVER is set, "log" otherwise, or "memory")."""
    existing = app.extensions.get("timebank_mail_transport")
    if existing is not None:
        return existing
    config = app.config
    name = config.get("MAIL_TRANSPORT") or ("smtp" if config.get("MAIL_SERVER") else "log")
    if name == "smtp":
        transport = SmtpTransport(
            server=config["MAIL_SERVER"], port=config["MAIL_PORT"], sender=config["MAIL_FROM"],
            username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
            use_tls=config.get("MAIL_USE_TLS", False), timeout=config.get("MAIL_TIMEOUT", 10))
    elif name == "memory":
        transport = MemoryTransport()
    else:
        import logging

        transport = LogTransport(logging.getLogger(log_name))
    app.extensions["timebank_mail_transport"] = transport
    return transport
