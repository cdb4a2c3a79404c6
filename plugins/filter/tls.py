# Copyright: langgraph_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a certificate kept on the controller is still the one the tls role would make."""

from __future__ import annotations

import datetime
import ipaddress

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:  # pragma: no cover - the tls role then makes its files with community.crypto
    x509 = None


def _load(path, loader):
    try:
        with open(path, "rb") as handle:
            return loader(handle.read())
    except (OSError, ValueError, TypeError):
        return None


def _names(certificate):
    try:
        alternative = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return ({f"DNS:{name}" for name in alternative.get_values_for_type(x509.DNSName)}
            | {f"IP:{address}" for address in alternative.get_values_for_type(x509.IPAddress)})


def _wanted(names):
    """SAN entries as the tls role writes them (IP:<address>, DNS:<name>), normalised."""
    wanted = set()
    for name in names:
        kind, value = name.split(":", 1)
        wanted.add(f"IP:{ipaddress.ip_address(value)}" if kind == "IP" else f"DNS:{value}")
    return wanted


def _signed_by(certificate, issuer):
    try:
        certificate.verify_directly_issued_by(issuer)
    except Exception:  # pylint: disable=broad-exception-caught  # any failure: not signed by it
        return False
    return True


def certificate_current(cert_path, key_path, issuer_path=None, common_name=None, names=None, renew_days=0):
    """True when the certificate at cert_path is the one the tls role would keep.

    That is: it and its key (key_path) are there and belong together; it is signed by the
    certificate at issuer_path (itself when None: a CA); it is valid for renew_days more days;
    and, for a host's certificate, it names common_name and exactly the SAN entries of names,
    for server authentication. False otherwise, also without the cryptography library, so that
    the role then makes or checks the files with community.crypto.
    """
    if x509 is None:
        return False
    try:
        return _current(cert_path, key_path, issuer_path, common_name, names, int(renew_days))
    except (AttributeError, ValueError):  # an older cryptography, or a name that is not one
        return False


def _current(cert_path, key_path, issuer_path, common_name, names, renew_days):
    certificate = _load(cert_path, x509.load_pem_x509_certificate)
    key = _load(key_path, lambda data: serialization.load_pem_private_key(data, password=None))
    issuer = certificate if issuer_path is None else _load(issuer_path, x509.load_pem_x509_certificate)
    if certificate is None or key is None or issuer is None:
        return False
    if certificate.public_key().public_numbers() != key.public_key().public_numbers():
        return False
    if not _signed_by(certificate, issuer):
        return False
    now = datetime.datetime.now(datetime.timezone.utc)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc - datetime.timedelta(days=renew_days):
        return False
    if issuer_path is None:
        return True
    common_names = [attribute.value for attribute in certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return common_names == [common_name] and _names(certificate) == _wanted(names or []) and list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]


class FilterModule:
    def filters(self):
        return {"certificate_current": certificate_current}
