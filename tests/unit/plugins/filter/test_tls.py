# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""certificate_current on certificates made here the way the tls role makes
them (ECC keys, a CA that signs a server certificate with SANs), and on each
way one can stop being current."""

from __future__ import annotations

import datetime
import ipaddress

import pytest

pytest.importorskip("cryptography")

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402

import tls  # noqa: E402  pylint: disable=wrong-import-position

NAMES = ["IP:10.0.0.5", "DNS:db1"]
NOW = datetime.datetime.now(datetime.timezone.utc)


def write_key(path):
    key = ec.generate_private_key(ec.SECP384R1())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key


def write_cert(path, key, subject, issuer_key, issuer_name, days=365, names=None, usage=True, ca=False):
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - datetime.timedelta(days=1)).not_valid_after(NOW + datetime.timedelta(days=days)))
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
    if names is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address(n[3:])) if n.startswith("IP:") else x509.DNSName(n[4:]) for n in names]),
            critical=False)
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    path.write_bytes(builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))


@pytest.fixture()
def pki(tmp_path):
    ca_key = write_key(tmp_path / "ca.key")
    write_cert(tmp_path / "ca.crt", ca_key, "CA", ca_key, "CA", days=3650, usage=False, ca=True)
    key = write_key(tmp_path / "db1.key")
    write_cert(tmp_path / "db1.crt", key, "db1", ca_key, "CA", names=NAMES)
    return {"path": tmp_path, "ca_key": ca_key, "key": key}


def current(path, **changes):
    args = dict(key=str(path / "db1.key"), issuer=str(path / "ca.crt"), common_name="db1", names=NAMES, renew_days=30)
    args.update(changes)
    return tls.certificate_current(str(path / "db1.crt"), args["key"], args["issuer"], args["common_name"],
                                   args["names"], args["renew_days"])


def test_a_current_certificate_and_its_ca(pki):
    path = pki["path"]
    assert current(path)
    assert current(path, names=["DNS:db1", "IP:10.0.0.5"])
    assert tls.certificate_current(str(path / "ca.crt"), str(path / "ca.key"))


def test_other_names_or_common_name(pki):
    path = pki["path"]
    assert not current(path, names=["IP:10.0.0.6", "DNS:db1"])
    assert not current(path, names=NAMES + ["DNS:db1.example"])
    assert not current(path, common_name="db2")


def test_due_for_renewal(pki):
    path = pki["path"]
    assert current(path, renew_days=300)
    assert not current(path, renew_days=400)


def test_another_key_or_another_ca(pki):
    path, ca_key = pki["path"], pki["ca_key"]
    write_key(path / "other.key")
    assert not current(path, key=str(path / "other.key"))
    assert not tls.certificate_current(str(path / "ca.crt"), str(path / "other.key"))
    other_ca_key = write_key(path / "other-ca.key")
    write_cert(path / "other-ca.crt", other_ca_key, "CA", other_ca_key, "CA", usage=False, ca=True)
    assert not current(path, issuer=str(path / "other-ca.crt"))
    assert ca_key is not None


def test_without_server_authentication(pki):
    path, ca_key, key = pki["path"], pki["ca_key"], pki["key"]
    write_cert(path / "db1.crt", key, "db1", ca_key, "CA", names=NAMES, usage=False)
    assert not current(path)


def test_missing_or_broken_files(pki):
    path = pki["path"]
    assert not current(path, key=str(path / "absent.key"))
    (path / "db1.crt").write_text("not a certificate")
    assert not current(path)
    assert not tls.certificate_current(str(path / "absent.crt"), str(path / "ca.key"))
