"""Calling services from outside (the gateway, tests, benchmarks).

A pool of started proxies, one per in-flight request; a proxy is dropped after any
transport failure. Every call has a timeout and an expiry (kombu counts it in seconds),
so a request that nobody answered in time is never executed later.
See shared/docs/pitfalls.md §2.5 and §4.
"""
import contextlib
import queue
import threading

from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from nameko.rpc import ServiceProxy
from nameko.standalone.rpc import ClusterProxy, ClusterRpcProxy

from .errors import AppError


class _ExpiringClusterProxy(ClusterProxy):
    def __init__(self, worker_ctx, reply_listener, expiration):
        super().__init__(worker_ctx, reply_listener)
        self._expiration = expiration

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._proxies:
            self._proxies[name] = ServiceProxy(self._worker_ctx, name, self._reply_listener,
                                               expiration=self._expiration)
        return self._proxies[name]


class ExpiringClusterRpcProxy(ClusterRpcProxy):
    def __init__(self, config, timeout, **kwargs):
        super().__init__(config, timeout=timeout, **kwargs)
        self._proxy = _ExpiringClusterProxy(self._worker_ctx, self._reply_listener, expiration=timeout)


class PoolExhausted(Exception):
    pass


class RpcPool:
    def __init__(self, amqp_uri: str, size: int = 16, timeout: float = 10):
        self.config = {"AMQP_URI": amqp_uri}
        self.timeout = timeout
        self._idle = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    def _new(self):
        proxy = ExpiringClusterRpcProxy(self.config, timeout=self.timeout)
        return proxy, proxy.start()

    @contextlib.contextmanager
    def get(self):
        if not self._slots.acquire(timeout=self.timeout):
            raise PoolExhausted("rpc pool exhausted")
        try:
            try:
                holder = self._idle.get_nowait()
            except queue.Empty:
                holder = self._new()
            broken = False
            try:
                yield holder[1]
            except (AppError, RemoteError):   # the remote method refused; transport is fine
                raise
            except BaseException:
                broken = True
                raise
            finally:
                if broken:
                    with contextlib.suppress(Exception):
                        holder[0].stop()
                else:
                    self._idle.put(holder)
        finally:
            self._slots.release()

    def close(self):
        while True:
            try:
                proxy, _ = self._idle.get_nowait()
            except queue.Empty:
                return
            with contextlib.suppress(Exception):
                proxy.stop()


class ServiceRpc:
    """`rpc.identity.get_person(account_id)`: a call through a pool, with the pool's timeout and expiry.

    Used by the gateway and inside services (nameko's own RpcProxy dependency waits forever,
    pitfalls.md §2.5)."""

    def __init__(self, pool: RpcPool):
        self._pool = pool

    def __getattr__(self, service_name):
        if service_name.startswith("_"):
            raise AttributeError(service_name)
        return _ServiceCalls(self._pool, service_name)


class _ServiceCalls:
    def __init__(self, pool: RpcPool, service_name: str):
        self._pool, self._service_name = pool, service_name

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args, **kwargs):
            with self._pool.get() as proxy:
                return getattr(getattr(proxy, self._service_name), method)(*args, **kwargs)
        return call


class ServiceRpcProvider(DependencyProvider):
    """Injects a ServiceRpc whose pool is sized to the service's workers."""

    def setup(self):
        config = self.container.config
        self.pool = RpcPool(config["AMQP_URI"], size=int(config.get("max_workers", 10)),
                            timeout=float(config.get("RPC_TIMEOUT", 10)))

    def stop(self):
        self.pool.close()

    def kill(self):
        self.pool.close()

    def get_dependency(self, worker_ctx):
        return ServiceRpc(self.pool)
