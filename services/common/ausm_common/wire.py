"""AMQP connections for the kit's RPC path: kombu's py-amqp transport with a buffered socket reader, and a publish
that looks for input from the broker only when there is some.

py-amqp reads a frame as its 7-byte header, then its payload, then its end octet, each with its own `recv` of
exactly that size, so one message (method, header and body frames, which arrive together) costs six `recv` calls, and
under eventlet six trips through the green socket. This reader asks the socket for up to 64 KiB at a time and keeps
what it did not need in py-amqp's own read buffer (`_read_buffer`, which `_read` already consults first): the
frames and the protocol are unchanged, only the number of system calls drops.

Before each publish py-amqp runs a zero-timeout read of the connection (to hear `connection.blocked` or a close
from the broker before writing into a closed connection), which, when nothing is there, costs two timeout changes, a
`recv` and a timeout exception through four frames. Here a non-blocking peek at the socket decides first, and that
read runs only when the broker has sent something.

Only the kit's own connections use it (the RPC client, the services' RPC consumer and reply publisher); everything
else (nameko's event consumers and dispatchers) keeps kombu's default transport. TLS connections keep py-amqp's
SSL transport.
"""
import errno
import socket

import amqp.transport
import kombu
from amqp import spec
from amqp.exceptions import RecoverableConnectionError
from kombu.transport import pyamqp

READ_SIZE = 16384


class BufferedTCPTransport(amqp.transport.TCPTransport):
    def _read(self, n, initial=False, _errnos=(errno.EAGAIN, errno.EINTR)):
        """Exactly n bytes, reading ahead into the buffer (py-amqp's `_read` with a larger `recv`)."""
        recv = self._quick_recv
        rbuf = self._read_buffer
        try:
            while len(rbuf) < n:
                try:
                    s = recv(max(n - len(rbuf), READ_SIZE))
                except OSError as exc:
                    if exc.errno in _errnos:
                        if initial and self.raise_on_initial_eintr:
                            raise socket.timeout()
                        continue
                    raise
                if not s:
                    raise OSError("Server unexpectedly closed connection")
                rbuf += s
        except:  # noqa: E722 (py-amqp's contract: keep what was read, whatever interrupted the read)
            self._read_buffer = rbuf
            raise
        result, self._read_buffer = rbuf[:n], rbuf[n:]
        return result


    def has_input(self) -> bool:
        """Bytes from the broker are waiting (buffered, or in the socket): a non-blocking peek, no exception path
        in py-amqp."""
        if self._read_buffer:
            return True
        sock = getattr(self.sock, "fd", self.sock)       # under eventlet: the real socket, peeked without waiting
        try:
            sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)   # data, or b"" at its end: either way, read it
            return True
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True                                    # broken: let the read report it


class Channel(pyamqp.Channel):
    def basic_publish(self, msg, exchange="", routing_key="", mandatory=False, immediate=False, timeout=None,
                      confirm_timeout=None, argsig="Bssbb"):
        """py-amqp's `_basic_publish`, reading from the connection first only when the broker sent something."""
        if not self.connection:
            raise RecoverableConnectionError("basic_publish: connection closed")
        transport = self.connection.transport
        if isinstance(transport, BufferedTCPTransport) and timeout is None:
            if transport.has_input():
                try:
                    self.connection.drain_events(timeout=0)
                except socket.timeout:
                    pass
            return self.send_method(spec.Basic.Publish, argsig, (0, exchange, routing_key, mandatory, immediate),
                                    msg)
        return super()._basic_publish(msg, exchange, routing_key, mandatory, immediate, timeout, confirm_timeout,
                                      argsig)


class AmqpConnection(pyamqp.Connection):
    Channel = Channel

    def Transport(self, host, connect_timeout, ssl=False, read_timeout=None, write_timeout=None,
                  socket_settings=None, **kwargs):
        if ssl:
            return super().Transport(host, connect_timeout, ssl, read_timeout, write_timeout, socket_settings,
                                     **kwargs)
        return BufferedTCPTransport(host, connect_timeout=connect_timeout, ssl=ssl, read_timeout=read_timeout,
                                    write_timeout=write_timeout, socket_settings=socket_settings, **kwargs)


class BufferedTransport(pyamqp.Transport):
    """kombu's `pyamqp` transport, reading through BufferedTCPTransport."""

    Connection = AmqpConnection


def connection(uri: str, **kwargs) -> kombu.Connection:
    """A kombu Connection to `uri` (amqp:// or pyamqp://) over the buffered transport."""
    return kombu.Connection(uri, transport=BufferedTransport, **kwargs)
