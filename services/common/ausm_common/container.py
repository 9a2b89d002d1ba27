"""The services' nameko container (config `SERVICE_CONTAINER_CLS: ausm_common.container.ServiceContainer`).

nameko 2.14's `_run_worker` builds a debug line for every worker whether or not debug logging is on (its call-id
stack: a uuid4, a deque, a join) and times four phases for debug lines too. With debug logging off this container
runs the same steps in the same order (dependencies injected, worker_setup, the method, handle_result,
worker_result, worker_teardown; expected and unexpected errors logged as nameko logs them) without them; with debug
on it is nameko's own.
"""
import logging
import sys

from nameko import containers

_log = logging.getLogger(containers.__name__)


class ServiceContainer(containers.ServiceContainer):
    def stop(self):
        """nameko's graceful stop (entrypoints stop taking work, running workers finish, then the rest stops),
        with the instance reporting not ready (/readyz 503) from the first moment."""
        from .telemetry import Telemetry
        for dependency in self.dependencies:
            if isinstance(dependency, Telemetry):
                dependency.draining = True
        _log.info("stopping %s: not ready from now on; %d worker(s) in flight finish first", self.service_name,
                  len(self._worker_threads))
        super().stop()
        _log.info("stopped %s", self.service_name)

    def _run_worker(self, worker_ctx, handle_result):
        if _log.isEnabledFor(logging.DEBUG):
            return super()._run_worker(worker_ctx, handle_result)
        self._inject_dependencies(worker_ctx)
        self._worker_setup(worker_ctx)
        result = exc_info = None
        method = getattr(worker_ctx.service, worker_ctx.entrypoint.method_name)
        try:
            result = method(*worker_ctx.args, **worker_ctx.kwargs)
        except Exception as exc:
            if isinstance(exc, worker_ctx.entrypoint.expected_exceptions):
                _log.warning("(expected) error handling worker %s: %s", worker_ctx, exc, exc_info=True)
            else:
                _log.exception("error handling worker %s: %s", worker_ctx, exc)
            exc_info = sys.exc_info()
        if handle_result is not None:
            result, exc_info = handle_result(worker_ctx, result, exc_info)
        self._worker_result(worker_ctx, result, exc_info)
        del exc_info   # as nameko: break the cycle so the frame is freed at once
        self._worker_teardown(worker_ctx)
