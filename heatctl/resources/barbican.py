"""Barbican (key manager) resource types: secrets, orders, containers."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_octavia import octavia_lifecycle
from heatctl.engine.openstack_services import (
    CERTIFICATE_CONTAINER,
    GENERIC_CONTAINER,
    ORDER,
    RSA_CONTAINER,
    SECRET,
)
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    custom,
    integer,
    list_of,
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, is_base64


@register
class Secret(ResourceType):
    """OS::Barbican::Secret: A secret stored in Barbican."""

    type_name = "OS::Barbican::Secret"
    description = "A secret stored in Barbican."
    properties: ClassVar[dict[str, Property]] = {
        "algorithm": string("Algorithm of the secret."),
        "bit_length": integer("Length of the secret in bits.", constraints=(value_range(min=0),)),
        "expiration": string(
            "Expiry of the secret, ISO 8601.", constraints=(custom("expiration"),)
        ),
        "mode": string("Algorithm mode, e.g. cbc."),
        "name": string("Name of the secret."),
        "payload": string("The secret's content."),
        "payload_content_encoding": string(
            "Encoding of the payload (base64 for binary content).",
            constraints=(allowed_values("base64"),),
        ),
        "payload_content_type": string(
            "Content type of the payload.",
            constraints=(allowed_values("text/plain", "application/octet-stream"),),
        ),
        "secret_type": string(
            "Kind of secret.",
            default="opaque",
            constraints=(
                allowed_values(
                    "symmetric", "public", "private", "certificate", "passphrase", "opaque"
                ),
            ),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "decrypted_payload": attribute("The secret's content.", PropertyType.STRING),
        "status": attribute("Status of the secret.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """A payload with its content type; binary payloads base64-encoded."""
        content_type, payload = values.get("payload_content_type"), values.get("payload")
        encoding = values.get("payload_content_encoding")
        if content_type and not payload:
            report(("payload_content_type",), "property 'payload_content_type' needs 'payload'")
        elif content_type == "application/octet-stream" and not encoding:
            report(
                ("payload_content_encoding",),
                "an application/octet-stream payload needs payload_content_encoding",
            )
        elif content_type == "application/octet-stream" and not is_base64(payload):
            report(("payload",), "payload is not valid base64")
        elif encoding and (not content_type or content_type == "text/plain"):
            report(
                ("payload_content_encoding",),
                "payload_content_encoding needs payload_content_type application/octet-stream",
            )

    secret_attributes: ClassVar[tuple[str, ...]] = ("decrypted_payload",)

    # Lifecycle: heatctl.engine.openstack_services.SECRET.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(SECRET)


@register
class Order(ResourceType):
    """OS::Barbican::Order: Asks Barbican to generate a key, a key pair or a certificate."""

    type_name = "OS::Barbican::Order"
    description = "Asks Barbican to generate a key, a key pair or a certificate."
    properties: ClassVar[dict[str, Property]] = {
        "algorithm": string("Algorithm of the key (key and asymmetric orders)."),
        "bit_length": integer("Key length in bits (key and asymmetric orders)."),
        "ca_id": string("Certificate authority (id) to use."),
        "expiration": string(
            "Expiry of the generated secret, ISO 8601.", constraints=(custom("expiration"),)
        ),
        "mode": string("Algorithm mode, e.g. cbc."),
        "name": string("Name of the generated secret."),
        "pass_phrase": string("Passphrase of the generated key (asymmetric orders)."),
        "payload_content_type": string("Content type of the generated secret."),
        "profile": string("Certificate profile to use."),
        "request_data": string("Certificate signing request (certificate orders)."),
        "request_type": string(
            "Kind of certificate request.",
            constraints=(allowed_values("stored-key", "simple-cmc", "custom"),),
        ),
        "source_container_ref": string(
            "Container (reference) with the key for the certificate request.",
            constraints=(custom("barbican.container"),),
        ),
        "subject_dn": string("Subject of the certificate."),
        "type": string(
            "What to generate.",
            required=True,
            constraints=(allowed_values("key", "asymmetric", "certificate"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "certificate": attribute("The generated certificate.", PropertyType.STRING),
        "container_ref": attribute("Reference of the generated container.", PropertyType.STRING),
        "intermediates": attribute("The intermediate certificates.", PropertyType.STRING),
        "order_ref": attribute("Reference of the order.", PropertyType.STRING),
        "private_key": attribute("The generated private key.", PropertyType.STRING),
        "public_key": attribute("The generated public key.", PropertyType.STRING),
        "secret_ref": attribute("Reference of the generated secret.", PropertyType.STRING),
        "status": attribute("Status of the order.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each order type takes its own properties (key and asymmetric need algorithm, bit_length)."""
        allowed = {
            "key": (
                "name",
                "algorithm",
                "bit_length",
                "mode",
                "payload_content_type",
                "expiration",
            ),
            "asymmetric": (
                "name",
                "algorithm",
                "bit_length",
                "mode",
                "pass_phrase",
                "payload_content_type",
                "expiration",
            ),
            "certificate": (
                "name",
                "request_type",
                "subject_dn",
                "source_container_ref",
                "ca_id",
                "profile",
                "request_data",
            ),
        }
        kind = values.get("type")
        if kind not in allowed:
            return
        if kind != "certificate" and not (values.given("algorithm") and values.given("bit_length")):
            report(("type",), f"{kind} orders need 'algorithm' and 'bit_length'")
        elif kind == "certificate" and values.truthy("profile") and not values.truthy("ca_id"):
            report(("profile",), "property 'profile' needs 'ca_id'")
        else:
            extra = sorted(n for n in values.schema if n != "type" and values.given(n))
            extra = [n for n in extra if n not in allowed[kind]]
            if extra:
                report((), f"{kind} orders do not take {', '.join(extra)}")

    secret_attributes: ClassVar[tuple[str, ...]] = ("private_key",)

    # Lifecycle: heatctl.engine.openstack_services.ORDER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(ORDER)


@register
class GenericContainer(ResourceType):
    """OS::Barbican::GenericContainer: A Barbican container holding any named secrets."""

    type_name = "OS::Barbican::GenericContainer"
    description = "A Barbican container holding any named secrets."
    properties: ClassVar[dict[str, Property]] = {
        "name": string("Name of the container."),
        "secrets": list_of(
            "Secrets held, by name.",
            item=map_of(
                "One secret.",
                {
                    "name": string("Name of the secret in the container.", required=True),
                    "ref": string(
                        "Secret (reference).",
                        required=True,
                        constraints=(custom("barbican.secret"),),
                    ),
                },
            ),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "consumers": attribute("Consumers registered on the container.", PropertyType.LIST),
        "container_ref": attribute("Reference (URI) of the container.", PropertyType.STRING),
        "secret_refs": attribute(
            "References of the secrets in the container, by name.", PropertyType.MAP
        ),
        "status": attribute("Status of the container.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """No secret reference twice."""
        refs = [secret.get("ref") for _, secret in values.entries("secrets")]
        concrete = [ref for ref in refs if isinstance(ref, str)]
        if len(concrete) != len(set(concrete)):
            report(("secrets",), "the same secret reference appears twice")

    # Lifecycle: heatctl.engine.openstack_services.GENERIC_CONTAINER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(GENERIC_CONTAINER)


@register
class CertificateContainer(ResourceType):
    """OS::Barbican::CertificateContainer: A Barbican container holding a certificate with its key and chain."""

    type_name = "OS::Barbican::CertificateContainer"
    description = "A Barbican container holding a certificate with its key and chain."
    properties: ClassVar[dict[str, Property]] = {
        "certificate_ref": string(
            "Secret (reference) holding the certificate.", constraints=(custom("barbican.secret"),)
        ),
        "intermediates_ref": string(
            "Secret (reference) holding the intermediate certificates.",
            constraints=(custom("barbican.secret"),),
        ),
        "name": string("Name of the container."),
        "private_key_passphrase_ref": string(
            "Secret (reference) holding the private key's passphrase.",
            constraints=(custom("barbican.secret"),),
        ),
        "private_key_ref": string(
            "Secret (reference) holding the private key.", constraints=(custom("barbican.secret"),)
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "consumers": attribute("Consumers registered on the container.", PropertyType.LIST),
        "container_ref": attribute("Reference (URI) of the container.", PropertyType.STRING),
        "secret_refs": attribute(
            "References of the secrets in the container, by name.", PropertyType.MAP
        ),
        "status": attribute("Status of the container.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """No secret reference twice."""
        refs = [values.get(n) for n in values.schema if n != "name" and values.given(n)]
        concrete = [ref for ref in refs if isinstance(ref, str)]
        if len(concrete) != len(set(concrete)):
            report((), "the same secret reference appears twice")

    # Lifecycle: heatctl.engine.openstack_services.CERTIFICATE_CONTAINER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(CERTIFICATE_CONTAINER)


@register
class RSAContainer(ResourceType):
    """OS::Barbican::RSAContainer: A Barbican container holding an RSA key pair."""

    type_name = "OS::Barbican::RSAContainer"
    description = "A Barbican container holding an RSA key pair."
    properties: ClassVar[dict[str, Property]] = {
        "name": string("Name of the container."),
        "private_key_passphrase_ref": string(
            "Secret (reference) holding the private key's passphrase.",
            constraints=(custom("barbican.secret"),),
        ),
        "private_key_ref": string(
            "Secret (reference) holding the private key.", constraints=(custom("barbican.secret"),)
        ),
        "public_key_ref": string(
            "Secret (reference) holding the public key.", constraints=(custom("barbican.secret"),)
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "consumers": attribute("Consumers registered on the container.", PropertyType.LIST),
        "container_ref": attribute("Reference (URI) of the container.", PropertyType.STRING),
        "secret_refs": attribute(
            "References of the secrets in the container, by name.", PropertyType.MAP
        ),
        "status": attribute("Status of the container.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """No secret reference twice."""
        refs = [values.get(n) for n in values.schema if n != "name" and values.given(n)]
        concrete = [ref for ref in refs if isinstance(ref, str)]
        if len(concrete) != len(set(concrete)):
            report((), "the same secret reference appears twice")

    # Lifecycle: heatctl.engine.openstack_services.RSA_CONTAINER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(RSA_CONTAINER)
