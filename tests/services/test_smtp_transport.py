"""The SMTP transport speaks to a real (tiny, local) SMTP server, and a server that can't be
reached is a MailNotSent the outbox retries, not an error."""

import socket
import socketserver
import threading

import pytest

from timebank.services.mail_transports import Envelope, MailNotSent, SmtpTransport

ENVELOPE = Envelope(7, "password_reset", "ann@example.org", "Choose a new password",
                    "Open this link: https://bank.example/reset-password/abc")


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 test ready")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 test")
            elif command.startswith(("MAIL FROM", "RCPT TO")):
                self.server.envelope.append(line.decode().strip())
                self.reply("250 ok")
            elif command == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline()) != b".\r\n":
                    body.append(data.decode())
                self.server.messages.append("".join(body))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
    server.daemon_threads = True
    server.envelope, server.messages = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_message_reaches_the_smtp_server(smtp_server):
    transport = SmtpTransport(server="127.0.0.1", port=smtp_server.server_address[1],
                              sender="bank@example.org", timeout=10)
    transport.send(ENVELOPE)
    assert [line.upper() for line in smtp_server.envelope] == [
        "MAIL FROM:<BANK@EXAMPLE.ORG>", "RCPT TO:<ANN@EXAMPLE.ORG>"]
    [message] = smtp_server.messages
    assert "Subject: Choose a new password" in message
    assert "reset-password/abc" in message


def test_an_unreachable_server_is_reported_for_a_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = SmtpTransport(server="127.0.0.1", port=port, sender="bank@example.org",
                              timeout=5)
    with pytest.raises(MailNotSent, match="ConnectionRefusedError"):
        transport.send(ENVELOPE)
