"""Keystone (identity) resource types: projects, users, groups, roles, catalog entries."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine import openstack_identity as keystone
from heatctl.engine.openstack_admin import admin_lifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    boolean,
    custom,
    list_of,
    map_of,
    string,
)
from heatctl.resources.values import PropertyValues, Report, check_role_assignments

# User, Group and the two role assignment types take the same `roles` list.
ROLE_ASSIGNMENTS = list_of(
    "Role assignments, each on a project or a domain.",
    item=map_of(
        "One role assignment.",
        {
            "domain": string(
                "Domain the role is granted on.", constraints=(custom("keystone.domain"),)
            ),
            "project": string(
                "Project the role is granted on.", constraints=(custom("keystone.project"),)
            ),
            "role": string(
                "Role (name or id) granted.",
                required=True,
                constraints=(custom("keystone.role"),),
            ),
        },
    ),
    update_allowed=True,
)


@register
class Project(ResourceType):
    """OS::Keystone::Project: A Keystone project."""

    type_name = "OS::Keystone::Project"
    description = "A Keystone project."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the project.", default="", update_allowed=True),
        "domain": string(
            "Domain (name or id) of the project.",
            default="default",
            update_allowed=True,
            constraints=(custom("keystone.domain"),),
        ),
        "enabled": boolean("Whether the project is enabled.", default=True, update_allowed=True),
        "name": string("Name of the project.", update_allowed=True),
        "parent": string("Parent project (name or id).", constraints=(custom("keystone.project"),)),
        "tags": list_of("Tags on the project.", default=[], update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "domain_id": attribute("Id of the project's domain.", PropertyType.STRING),
        "enabled": attribute("Whether the project is enabled.", PropertyType.BOOLEAN),
        "is_domain": attribute("Whether the project also acts as a domain.", PropertyType.BOOLEAN),
        "name": attribute("Name of the project.", PropertyType.STRING),
        "parent_id": attribute("Id of the parent project.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_identity.PROJECT.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.PROJECT)


@register
class User(ResourceType):
    """OS::Keystone::User: A Keystone user, with its groups and role assignments."""

    type_name = "OS::Keystone::User"
    description = "A Keystone user, with its groups and role assignments."
    properties: ClassVar[dict[str, Property]] = {
        "default_project": string(
            "Default project (name or id) of the user.",
            update_allowed=True,
            constraints=(custom("keystone.project"),),
        ),
        "description": string("Description of the user.", default="", update_allowed=True),
        "domain": string(
            "Domain (name or id) of the user.",
            default="default",
            update_allowed=True,
            constraints=(custom("keystone.domain"),),
        ),
        "email": string("Email address of the user.", update_allowed=True),
        "enabled": boolean("Whether the user is enabled.", default=True, update_allowed=True),
        "groups": list_of(
            "Groups (names or ids) the user belongs to.",
            item=string("A group.", constraints=(custom("keystone.group"),)),
            update_allowed=True,
        ),
        "name": string("Name of the user.", update_allowed=True),
        "password": string("Password of the user.", update_allowed=True),
        "roles": ROLE_ASSIGNMENTS,
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "default_project_id": attribute("Id of the default project.", PropertyType.STRING),
        "domain_id": attribute("Id of the user's domain.", PropertyType.STRING),
        "enabled": attribute("Whether the user is enabled.", PropertyType.BOOLEAN),
        "name": attribute("Name of the user.", PropertyType.STRING),
        "password_expires_at": attribute("When the password expires.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each role is granted on a project or a domain, not both."""
        check_role_assignments(values, report)

    # Lifecycle: heatctl.engine.openstack_identity.USER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.USER)


@register
class Role(ResourceType):
    """OS::Keystone::Role: A Keystone role."""

    type_name = "OS::Keystone::Role"
    description = "A Keystone role."
    properties: ClassVar[dict[str, Property]] = {
        "domain": string(
            "Domain (name or id) owning the role, for a domain-specific role.",
            constraints=(custom("keystone.domain"),),
        ),
        "name": string("Name of the role.", update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_identity.ROLE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.ROLE)


@register
class Group(ResourceType):
    """OS::Keystone::Group: A Keystone group, with its role assignments."""

    type_name = "OS::Keystone::Group"
    description = "A Keystone group, with its role assignments."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the group.", default="", update_allowed=True),
        "domain": string(
            "Domain (name or id) of the group.",
            default="default",
            update_allowed=True,
            constraints=(custom("keystone.domain"),),
        ),
        "name": string("Name of the group.", update_allowed=True),
        "roles": ROLE_ASSIGNMENTS,
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each role is granted on a project or a domain, not both."""
        check_role_assignments(values, report)

    # Lifecycle: heatctl.engine.openstack_identity.GROUP.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.GROUP)


@register
class Domain(ResourceType):
    """OS::Keystone::Domain: A Keystone domain."""

    type_name = "OS::Keystone::Domain"
    description = "A Keystone domain."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the domain.", update_allowed=True),
        "enabled": boolean("Whether the domain is enabled.", default=True, update_allowed=True),
        "name": string("Name of the domain.", update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_identity.DOMAIN.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.DOMAIN)


@register
class Endpoint(ResourceType):
    """OS::Keystone::Endpoint: An endpoint of a service in the Keystone catalog."""

    type_name = "OS::Keystone::Endpoint"
    description = "An endpoint of a service in the Keystone catalog."
    properties: ClassVar[dict[str, Property]] = {
        "enabled": boolean("Whether the endpoint is enabled.", default=True, update_allowed=True),
        "interface": string(
            "Interface of the endpoint: public, internal or admin.",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("public", "internal", "admin"),),
        ),
        "name": string("Name of the endpoint.", update_allowed=True),
        "region": string(
            "Region (name or id) of the endpoint.",
            update_allowed=True,
            constraints=(custom("keystone.region"),),
        ),
        "service": string(
            "Service (name or id) the endpoint belongs to.",
            required=True,
            update_allowed=True,
            constraints=(custom("keystone.service"),),
        ),
        "url": string("URL of the endpoint.", required=True, update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_identity.ENDPOINT.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.ENDPOINT)


@register
class Service(ResourceType):
    """OS::Keystone::Service: A service in the Keystone catalog."""

    type_name = "OS::Keystone::Service"
    description = "A service in the Keystone catalog."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the service.", update_allowed=True),
        "enabled": boolean("Whether the service is enabled.", default=True, update_allowed=True),
        "name": string("Name of the service.", update_allowed=True),
        "type": string("Type of the service, e.g. compute.", required=True, update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_identity.SERVICE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.SERVICE)


@register
class Region(ResourceType):
    """OS::Keystone::Region: A Keystone region."""

    type_name = "OS::Keystone::Region"
    description = "A Keystone region."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the region.", update_allowed=True),
        "enabled": boolean("Whether the region is enabled.", default=True, update_allowed=True),
        "id": string("Id of the region; generated when left out."),
        "parent_region": string(
            "Id of the parent region.",
            update_allowed=True,
            constraints=(custom("keystone.region"),),
        ),
    }

    # Lifecycle: heatctl.engine.openstack_identity.REGION.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.REGION)


@register
class UserRoleAssignment(ResourceType):
    """OS::Keystone::UserRoleAssignment: Grants roles to an existing Keystone user."""

    type_name = "OS::Keystone::UserRoleAssignment"
    description = "Grants roles to an existing Keystone user."
    properties: ClassVar[dict[str, Property]] = {
        "roles": ROLE_ASSIGNMENTS,
        "user": string(
            "User (name or id) to grant the roles to.",
            required=True,
            update_allowed=True,
            constraints=(custom("keystone.user"),),
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each role is granted on a project or a domain, not both."""
        check_role_assignments(values, report)

    # Lifecycle: heatctl.engine.openstack_identity.USER_ROLE_ASSIGNMENT.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.USER_ROLE_ASSIGNMENT)


@register
class GroupRoleAssignment(ResourceType):
    """OS::Keystone::GroupRoleAssignment: Grants roles to an existing Keystone group."""

    type_name = "OS::Keystone::GroupRoleAssignment"
    description = "Grants roles to an existing Keystone group."
    properties: ClassVar[dict[str, Property]] = {
        "group": string(
            "Group (name or id) to grant the roles to.",
            required=True,
            update_allowed=True,
            constraints=(custom("keystone.group"),),
        ),
        "roles": ROLE_ASSIGNMENTS,
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each role is granted on a project or a domain, not both."""
        check_role_assignments(values, report)

    # Lifecycle: heatctl.engine.openstack_identity.GROUP_ROLE_ASSIGNMENT.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(keystone.GROUP_ROLE_ASSIGNMENT)
