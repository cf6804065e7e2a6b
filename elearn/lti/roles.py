"""LTI roles (1.3 URIs, 1.1 short names and URNs) mapped to our roles."""

from __future__ import annotations

from collections.abc import Iterable

from elearn.auth.models import Role

ADMIN_ROLES = {"Administrator", "SysAdmin"}
TEACHER_ROLES = {"Instructor", "ContentDeveloper", "TeachingAssistant"}


def role_name(role: str) -> str:
    """The last name in an LTI role, whatever its form.

    ``http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor`` -> ``Instructor``,
    ``…/membership/Instructor#TeachingAssistant`` -> ``TeachingAssistant``,
    ``urn:lti:instrole:ims/lis/Administrator`` -> ``Administrator``, ``Learner`` -> ``Learner``.
    """
    role = role.strip()
    for separator in ("#", "/", ":"):
        role = role.rsplit(separator, 1)[-1]
    return role


def map_roles(roles: Iterable[str]) -> Role:
    """Our role for a person with these LTI roles: the highest one any of them grants.

    Administrator (system or institution) -> admin; Instructor, ContentDeveloper (and teaching
    assistants) -> teacher; anything else (Learner, Mentor, none) -> student.
    """
    names = {role_name(r) for r in roles}
    if names & ADMIN_ROLES:
        return Role.ADMIN
    if names & TEACHER_ROLES:
        return Role.TEACHER
    return Role.STUDENT
