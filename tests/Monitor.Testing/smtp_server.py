"""A real SMTP server for the tests (Debian's python3-aiosmtpd): STARTTLS required, AUTH PLAIN/LOGIN after it,
every accepted message stored in a Maildir. Started and stopped by Monitor.Testing.SmtpServer.

usage: smtp_server.py HOST PORT MAILDIR CERT.pem KEY.pem USER PASSWORD
Prints "ready" once it accepts connections; stops when its standard input closes.
"""
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

host, port, maildir, cert, key, user, password = sys.argv[1:8]
tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == user and auth_data.password.decode() == password)
    return AuthResult(success=ok, handled=False)


controller = Controller(
    Mailbox(maildir), hostname=host, port=int(port), tls_context=tls, require_starttls=True,
    authenticator=authenticate, auth_required=True, auth_require_tls=True)
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
