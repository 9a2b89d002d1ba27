"""RPC from the gateway: the process's one client, with the request's caller signed into every call."""
import uuid

from flask import current_app, g, has_request_context

from ausm_common import registry
from ausm_common.context import CALLER_HEADER, REQUEST_ID_HEADER, VIA_HEADER, service_token, sign
from ausm_common.rpc import RpcClient, ServiceRpc

SERVICES = registry.names()


def client() -> RpcClient:
    return current_app.extensions["rpc_client"]


def request_id() -> str:
    """The request's id (observability.py takes it from X-Request-Id or makes one)."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex[:16]
    return g.request_id


def call_context() -> dict:
    """The headers of a call made while serving this request: the authenticated caller (signed once per request),
    the gateway's own identity, and the request id that follows the request into the services' logs."""
    if not has_request_context():
        return {VIA_HEADER: service_token("gateway")}
    if "call_context" not in g:
        from .auth import current_caller
        caller = current_caller()
        g.call_context = {VIA_HEADER: service_token("gateway"), REQUEST_ID_HEADER: request_id()}
        if caller:
            g.call_context[CALLER_HEADER] = sign({k: v for k, v in caller.items() if k != "client"})
    return g.call_context


def gateway_context() -> dict:
    """For the calls that establish who is calling (resolving a session): the gateway alone."""
    context = {VIA_HEADER: service_token("gateway")}
    if has_request_context():
        context[REQUEST_ID_HEADER] = request_id()
    return context


class Services:
    """`services.identity.login(...)`: a call made with the context `context()` gives."""

    def __init__(self, context):
        self._context = context

    def __getattr__(self, service):
        return getattr(ServiceRpc(client(), self._context), service)


services = Services(call_context)              # on behalf of the request's caller
gateway_services = Services(gateway_context)   # the gateway itself (resolving sessions)
