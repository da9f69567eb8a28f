"""An SMTP server for the outbox tests (aiosmtpd): every message it accepts is written to a
Maildir with the envelope in X-MailFrom / X-RcptTo headers. Options: implicit TLS or STARTTLS
with a given certificate, AUTH PLAIN/LOGIN for one user, and a delay between storing a message
and answering 250 (the window in which a sender may be killed after delivery), recipients
refused for good (550) or for now (450), and a sender refused (553). A wrong login is answered
535 at once, as real servers do."""

import argparse
import asyncio
import mailbox
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--maildir", required=True)
parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
parser.add_argument("--auth", metavar="USER:PASSWORD")
parser.add_argument("--delay", type=float, default=0.0)
parser.add_argument("--refuse", metavar="ADDRESS", action="append", default=[])
parser.add_argument("--defer", metavar="ADDRESS", action="append", default=[])
parser.add_argument("--refuse-sender", metavar="ADDRESS", action="append", default=[])
args = parser.parse_args()


class Sink:
    def __init__(self):
        self.box = mailbox.Maildir(args.maildir, create=True)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address in args.refuse_sender:
            return "553 5.7.1 sender address rejected: not owned by user"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in args.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in args.defer:
            return "450 4.2.1 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        headers = (
            f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        self.box.add(headers + content)
        if args.delay:
            await asyncio.sleep(args.delay)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == user
        and auth_data.password.decode() == password
    )
    # handled=False: aiosmtpd answers 535 itself. With the default (handled=True) it would
    # answer nothing and leave the client waiting until its idle timeout (300 s) hangs up.
    return AuthResult(success=ok, handled=False)


def context(pair):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(pair[0], pair[1])
    return ctx


kwargs = {}
if args.auth:
    kwargs["authenticator"] = authenticator
    kwargs["auth_require_tls"] = False
if args.starttls:
    kwargs["tls_context"] = context(args.starttls)
    kwargs["require_starttls"] = True
controller = Controller(
    Sink(),
    hostname="127.0.0.1",
    port=args.port,
    ssl_context=context(args.tls) if args.tls else None,
    server_hostname="localhost",
    **({"server_kwargs": kwargs} if kwargs else {}),
)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
