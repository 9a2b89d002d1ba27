"""RPC from the gateway: one pooled proxy per call, with timeout and expiry."""
from flask import current_app

from ausm_common.rpc import RpcPool, ServiceRpc

SERVICES = ("identity", "profile")


def pool() -> RpcPool:
    return current_app.extensions["rpc_pool"]


class Services:
    """`services.identity.login(...)`: the app's pool, looked up per call (the same client the services use)."""

    def __getattr__(self, service):
        return getattr(ServiceRpc(pool()), service)


services = Services()
