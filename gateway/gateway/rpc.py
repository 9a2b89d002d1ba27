"""RPC from the gateway: one pooled proxy per call, with timeout and expiry."""
from flask import current_app

from ausm_common.rpc import RpcPool

SERVICES = ("identity", "profile")


def pool() -> RpcPool:
    return current_app.extensions["rpc_pool"]


def call(service: str, method: str, *args, **kwargs):
    with pool().get() as proxy:
        return getattr(getattr(proxy, service), method)(*args, **kwargs)


class Services:
    """`services.identity.login(...)`: a readable way to write `call("identity", "login", ...)`."""

    def __getattr__(self, service):
        return _Service(service)


class _Service:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, method):
        return lambda *args, **kwargs: call(self._name, method, *args, **kwargs)


services = Services()
