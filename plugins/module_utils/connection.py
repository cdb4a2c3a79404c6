# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log in to PostgreSQL and Redis the way LangGraph Server will, with the standard library only.

Used before anything changes, on hosts that have nothing but Python: it opens the connection
(TLS as the URI asks, verified against a CA given as PEM text), authenticates (SCRAM-SHA-256,
MD5 or password for PostgreSQL; AUTH for Redis), opens the database and logs out. Every
failure is a ``ConnectionCheckError`` whose message names the service, host and port and the
reason, and never the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import socket
import ssl
import struct
from urllib.parse import parse_qs, unquote, urlsplit

SSL_REQUEST = 80877103
PROTOCOL_3 = 196608
PG_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


class ConnectionCheckError(Exception):
    """A connection that would fail, with a message safe to show."""


def _endpoint(service, host, port):
    where = host if host.startswith("/") else "%s:%s" % ("[%s]" % host if ":" in host else host, port)
    return "%s at %s" % (service, where)


def _tls_context(where, cadata, cafile, verify, check_hostname):
    """Verify with the CAs given as PEM text, else those of the file the URI names, else the system's.

    A file the host does not have (it may exist only in the container) and libpq's
    sslrootcert=system leave the system's CAs.
    """
    if not verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    else:
        cafile = cafile if not cadata and cafile != "system" and os.path.isfile(cafile) else None
        try:
            context = ssl.create_default_context(cadata=cadata or None, cafile=cafile)
        except (OSError, ssl.SSLError) as err:
            raise ConnectionCheckError("%s: the CA file %s the URI names cannot be used: %s" % (where, cafile, err))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = bool(verify and check_hostname)
    context.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    return context


def _connect(where, host, port, timeout):
    try:
        if host.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(host)
            return sock
        return socket.create_connection((host, port), timeout=timeout)
    except socket.timeout:
        raise ConnectionCheckError("%s: no answer within %s s" % (where, timeout))
    except OSError as err:
        raise ConnectionCheckError("%s: %s" % (where, err.strerror or err))


def _wrap(where, sock, context, host):
    try:
        return context.wrap_socket(sock, server_hostname=None if host.startswith("/") else host)
    except ssl.SSLCertVerificationError as err:
        raise ConnectionCheckError("%s: the server's certificate does not verify: %s" % (where, err.verify_message or err))
    except (ssl.SSLError, OSError) as err:
        raise ConnectionCheckError("%s: TLS handshake failed: %s" % (where, err))


def _recv_exact(where, sock, size):
    data = b""
    while len(data) < size:
        try:
            chunk = sock.recv(size - len(data))
        except socket.timeout:
            raise ConnectionCheckError("%s: the server stopped answering" % where)
        except OSError as err:
            raise ConnectionCheckError("%s: %s" % (where, err))
        if not chunk:
            raise ConnectionCheckError("%s: the server closed the connection" % where)
        data += chunk
    return data


# PostgreSQL ------------------------------------------------------------------------------------

def parse_postgres_uri(uri):
    """Split a libpq URI into host, port, user, password, database and sslmode."""
    parts = urlsplit(uri)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ConnectionCheckError("the database URI must start with postgresql://")
    query = dict((k, v[-1]) for k, v in parse_qs(parts.query).items())
    try:
        netloc_port = parts.port
    except ValueError:
        raise ConnectionCheckError("the database URI has a port that is not a number from 1 to 65535")
    port = query.get("port") or netloc_port or 5432
    if not str(port).isdigit():
        raise ConnectionCheckError("the database URI has a port that is not a number")
    host = query.get("host") or parts.hostname or "/run/postgresql"
    sslmode = query.get("sslmode", "prefer")
    if sslmode not in PG_SSLMODES:
        raise ConnectionCheckError("the database URI has sslmode=%s; use one of %s" % (sslmode, ", ".join(PG_SSLMODES)))
    return {
        "host": host,
        "port": int(port),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.lstrip("/")) or unquote(parts.username or ""),
        "sslmode": sslmode,
        "cafile": query.get("sslrootcert", ""),
    }


def scram_client_final(password, client_first_bare, server_first, client_nonce):
    """Return (client-final message, expected server signature) for SCRAM-SHA-256."""
    fields = dict(item.split("=", 1) for item in server_first.split(","))
    if not fields.get("r", "").startswith(client_nonce):
        raise ConnectionCheckError("the server's SCRAM nonce does not extend ours")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(fields["s"]), int(fields["i"]))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    without_proof = "c=biws,r=" + fields["r"]
    auth_message = ",".join((client_first_bare, server_first, without_proof)).encode()
    signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    server_signature = hmac.new(server_key, auth_message, hashlib.sha256).digest()
    return without_proof + ",p=" + base64.b64encode(proof).decode(), base64.b64encode(server_signature).decode()


def _pg_message(sock, kind, payload):
    sock.sendall(kind + struct.pack("!I", len(payload) + 4) + payload)


def _pg_read(where, sock):
    kind = _recv_exact(where, sock, 1)
    (length,) = struct.unpack("!I", _recv_exact(where, sock, 4))
    return kind, _recv_exact(where, sock, length - 4)


def _pg_error(payload):
    fields = {}
    for item in payload.split(b"\0"):
        if item:
            fields[item[:1].decode()] = item[1:].decode("utf-8", "replace")
    return fields.get("M", "error %s" % fields.get("C", "?"))


def check_postgres(uri, cadata="", timeout=10.0):
    """Log in as the URI says and open its database; raise ConnectionCheckError on failure."""
    conf = parse_postgres_uri(uri)
    where = _endpoint("PostgreSQL", conf["host"], conf["port"])
    local = conf["host"].startswith("/")
    target = os.path.join(conf["host"], ".s.PGSQL.%d" % conf["port"]) if local else conf["host"]
    sock = _connect(where, target, conf["port"], timeout)
    try:
        if conf["sslmode"] != "disable" and not local:
            sock.sendall(struct.pack("!II", 8, SSL_REQUEST))
            answer = _recv_exact(where, sock, 1)
            if answer == b"S":
                verify = conf["sslmode"] in ("verify-ca", "verify-full")
                sock = _wrap(where, sock, _tls_context(where, cadata, conf["cafile"], verify, conf["sslmode"] == "verify-full"), conf["host"])
            elif conf["sslmode"] in ("require", "verify-ca", "verify-full"):
                raise ConnectionCheckError("%s: the server does not accept TLS, and sslmode=%s needs it" % (where, conf["sslmode"]))
        startup = b"user\0" + conf["user"].encode() + b"\0database\0" + conf["database"].encode() + b"\0\0"
        sock.sendall(struct.pack("!II", len(startup) + 8, PROTOCOL_3) + startup)
        _pg_login(where, sock, conf)
        _pg_message(sock, b"X", b"")
    finally:
        sock.close()


def _pg_login(where, sock, conf):
    nonce = client_first_bare = server_signature = None
    while True:
        kind, payload = _pg_read(where, sock)
        if kind == b"E":
            raise ConnectionCheckError("%s: %s" % (where, _pg_error(payload)))
        if kind == b"Z":
            return
        if kind != b"R":
            continue
        (code,) = struct.unpack("!I", payload[:4])
        if code == 0:
            continue
        if code == 3:
            _pg_message(sock, b"p", conf["password"].encode() + b"\0")
        elif code == 5:
            inner = hashlib.md5((conf["password"] + conf["user"]).encode()).hexdigest()  # nosec - the server asked for md5
            _pg_message(sock, b"p", b"md5" + hashlib.md5(inner.encode() + payload[4:8]).hexdigest().encode() + b"\0")
        elif code == 10:
            if b"SCRAM-SHA-256\0" not in payload[4:]:
                raise ConnectionCheckError("%s: the server offers no SCRAM-SHA-256 login" % where)
            nonce = base64.b64encode(os.urandom(18)).decode()
            client_first_bare = "n=,r=" + nonce
            first = ("n,," + client_first_bare).encode()
            _pg_message(sock, b"p", b"SCRAM-SHA-256\0" + struct.pack("!I", len(first)) + first)
        elif code == 11:
            final, server_signature = scram_client_final(conf["password"], client_first_bare, payload[4:].decode(), nonce)
            _pg_message(sock, b"p", final.encode())
        elif code == 12:
            if payload[4:].decode() != "v=" + server_signature:
                raise ConnectionCheckError("%s: the server's SCRAM signature is wrong (not the server we think)" % where)
        else:
            raise ConnectionCheckError("%s: unsupported login method %d" % (where, code))


# Redis -----------------------------------------------------------------------------------------

def parse_redis_uri(uri):
    """Split a redis://, rediss:// or unix:// URI."""
    parts = urlsplit(uri)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConnectionCheckError("the Redis URI must start with redis://, rediss:// or unix://")
    query = dict((k, v[-1]) for k, v in parse_qs(parts.query).items())
    if parts.scheme == "unix":
        host, port, db = unquote(parts.path), 0, query.get("db", "0")
    else:
        host, port = parts.hostname or "localhost", parts.port or 6379
        db = parts.path.strip("/") or query.get("db", "0")
    if not str(db).isdigit():
        raise ConnectionCheckError("the Redis URI has a database number that is not a number")
    return {
        "scheme": parts.scheme,
        "host": host,
        "port": port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "db": int(db),
        "verify": query.get("ssl_cert_reqs", "required").lower() not in ("none", "cert_none"),
        "check_hostname": query.get("ssl_check_hostname", "false").lower() in ("1", "true", "yes", "on"),
        "cafile": query.get("ssl_ca_certs", ""),
    }


def _resp(*words):
    out = b"*%d\r\n" % len(words)
    for word in words:
        data = word.encode()
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    return out


def _redis_reply(where, sock):
    line = b""
    while not line.endswith(b"\r\n"):
        line += _recv_exact(where, sock, 1)
    return line[:-2].decode("utf-8", "replace")


def check_redis(uri, cadata="", timeout=10.0):
    """Authenticate as the URI says and select its database; raise ConnectionCheckError on failure."""
    conf = parse_redis_uri(uri)
    where = _endpoint("Redis", conf["host"], conf["port"])
    sock = _connect(where, conf["host"], conf["port"], timeout)
    try:
        if conf["scheme"] == "rediss":
            sock = _wrap(where, sock, _tls_context(where, cadata, conf["cafile"], conf["verify"], conf["check_hostname"]), conf["host"])
        commands = []
        if conf["password"]:
            commands.append(("AUTH", conf["user"], conf["password"]) if conf["user"] else ("AUTH", conf["password"]))
        commands += [("SELECT", str(conf["db"])), ("PING",)]
        for command in commands:
            sock.sendall(_resp(*command))
            reply = _redis_reply(where, sock)
            if reply.startswith("-"):
                raise ConnectionCheckError("%s: %s refused: %s" % (where, command[0], reply[1:]))
    finally:
        sock.close()
