# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection check: SCRAM against RFC 7677, URI parsing, and failures that name the endpoint."""

from __future__ import annotations

import socket
import ssl

import pytest

import connection
from connection import ConnectionCheckError


def test_scram_sha_256_matches_rfc_7677():
    final, server_signature = connection.scram_client_final(
        "pencil",
        "n=user,r=rOprNGfwEbeRWgbNEkqO",
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "rOprNGfwEbeRWgbNEkqO",
    )
    assert final == ("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                     "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    assert server_signature == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def test_scram_refuses_a_nonce_that_is_not_ours():
    with pytest.raises(ConnectionCheckError, match="nonce"):
        connection.scram_client_final("pencil", "n=,r=abc", "r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "abc")


@pytest.mark.parametrize("uri, expected", [
    ("postgresql://lg:p%40ss@10.0.8.5:5433/langgraph?sslmode=verify-full&sslrootcert=/etc/langgraph/ca.crt",
     {"host": "10.0.8.5", "port": 5433, "user": "lg", "password": "p@ss", "database": "langgraph", "sslmode": "verify-full",
      "cafile": "/etc/langgraph/ca.crt"}),
    ("postgresql://lg:pw@/langgraph?host=/run/postgresql&port=5432",
     {"host": "/run/postgresql", "port": 5432, "user": "lg", "password": "pw", "database": "langgraph", "sslmode": "prefer",
      "cafile": ""}),
    ("postgres://lg:pw@[fd00::5]/db",
     {"host": "fd00::5", "port": 5432, "user": "lg", "password": "pw", "database": "db", "sslmode": "prefer", "cafile": ""}),
])
def test_parse_postgres_uri(uri, expected):
    assert connection.parse_postgres_uri(uri) == expected


@pytest.mark.parametrize("uri, words", [
    ("mysql://lg:secret-pw@h/db", ["postgresql://"]),
    ("postgresql://lg:secret-pw@h:99999/db", ["port"]),
    ("postgresql://lg:secret-pw@h/db?sslmode=always", ["sslmode=always"]),
    ("redis://lg:secret-pw@h:6379/x", ["database number"]),
])
def test_bad_uris_are_named_without_the_password(uri, words):
    check = connection.check_redis if uri.startswith("redis") else connection.check_postgres
    with pytest.raises(ConnectionCheckError) as err:
        check(uri)
    for word in words:
        assert word in str(err.value)
    assert "secret-pw" not in str(err.value)


def test_parse_redis_uri():
    conf = connection.parse_redis_uri(
        "rediss://lg:r%2Fpw@10.0.8.6:6380/2?ssl_cert_reqs=required&ssl_check_hostname=true&ssl_ca_certs=/x")
    assert conf == {"scheme": "rediss", "host": "10.0.8.6", "port": 6380, "user": "lg", "password": "r/pw", "db": 2,
                    "verify": True, "check_hostname": True, "cafile": "/x"}
    assert connection.parse_redis_uri("unix://lg:pw@/run/redis/redis-server.sock?db=3")["host"] == "/run/redis/redis-server.sock"


@pytest.mark.parametrize("check, uri", [
    (connection.check_postgres, "postgresql://lg:secret-pw@127.0.0.1:{port}/db"),
    (connection.check_redis, "redis://lg:secret-pw@127.0.0.1:{port}/0"),
])
def test_a_closed_port_names_the_service_and_endpoint(check, uri):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionCheckError) as err:
        check(uri.format(port=port), timeout=2)
    message = str(err.value)
    assert "at 127.0.0.1:%d" % port in message
    assert "refused" in message.lower()
    assert "secret-pw" not in message


def test_the_ca_file_the_uri_names_is_used_and_named_when_it_cannot_be(tmp_path):
    broken = tmp_path / "broken-ca.crt"
    broken.write_text("not a certificate")
    with pytest.raises(ConnectionCheckError) as err:
        connection._tls_context("PostgreSQL at db:5432", "", str(broken), True, True)
    assert "PostgreSQL at db:5432: the CA file %s the URI names cannot be used" % broken in str(err.value)
    # A file the host lacks (it may be the container's) and sslrootcert=system leave the system's CAs.
    for cafile in (str(tmp_path / "missing.crt"), "system"):
        assert connection._tls_context("x", "", cafile, True, True).verify_mode == ssl.CERT_REQUIRED
    # A client that does not verify reads no CA file.
    assert connection._tls_context("x", "", str(broken), False, False).verify_mode == ssl.CERT_NONE
