"""Who may do what: every route but `/health` and the OpenAPI document needs a token.

A route names the roles it admits (`allowed(Role.READER, Role.INSPECTOR)`); the
dependency checks the bearer token before anything else of the request is looked at, so an
unauthenticated (401) or wrong-role (403) request reads nothing, writes nothing and leaves
no row in the access log. The grant it returns carries the actor every read and write is
recorded for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from caselog.service.problems import ProblemError
from caselog.service.tokens import Grant, Role, TokenFile

if TYPE_CHECKING:
    from collections.abc import Callable

EVERYONE: Final = (Role.WRITER, Role.READER, Role.INSPECTOR)
READERS: Final = (Role.READER, Role.INSPECTOR)

_bearer = HTTPBearer(
    auto_error=False,
    description="A token from `caselog token add --role writer|reader|inspector ACTOR`",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def allowed(*roles: Role) -> Callable[[Request, Credentials], Grant]:
    """A dependency admitting the tokens of `roles`; 401 without a valid one, 403 otherwise."""

    def grant(request: Request, credentials: Credentials) -> Grant:
        tokens: TokenFile = request.app.state.tokens
        found = None if credentials is None else tokens.grant_of(credentials.credentials)
        if found is None:
            refused = ProblemError(
                401, "unauthenticated", "A valid bearer token is needed",
                "no token" if credentials is None else "the token is not valid (revoked?)",
            )  # fmt: skip
            refused.headers["WWW-Authenticate"] = 'Bearer realm="caselog"'
            raise refused
        request.state.actor, request.state.role = found.actor, found.role.value
        if found.role not in roles:
            raise ProblemError(
                403, "forbidden", "The token's role may not do this",
                f"role {found.role.value} may not {request.method} {request.url.path}; "
                f"it needs {' or '.join(r.value for r in roles)}",
            )  # fmt: skip
        known_parameters(request)
        return found

    return grant


def known_parameters(request: Request) -> None:
    """Refuse a query parameter the route does not take (422), rather than ignore it.

    `?stauts=overdue` ignored would answer every status: a clean answer to a wrong
    question. Checked after the token, so a caller without one learns nothing.
    """
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    # The routes declare their query parameters themselves, none in sub-dependencies.
    declared = set() if dependant is None else {p.alias for p in dependant.query_params}
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        takes = ", ".join(sorted(declared)) or "none"
        raise ProblemError(
            422, "unknown-parameter", f"Unknown parameter {unknown[0]}",
            f"{request.url.path} takes no parameter {unknown[0]!r} (it takes: {takes})",
            parameter=unknown[0], known=sorted(declared),
        )  # fmt: skip
