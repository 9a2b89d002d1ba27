"""AMQP connections for the kit's RPC path: kombu's py-amqp transport with a buffered socket reader.

py-amqp reads a frame as its 7-byte header, then its payload, then its end octet, each with its own `recv` of
exactly that size, so one message (method, header and body frames, which arrive together) costs six `recv` calls, and
under eventlet six trips through the green socket. This reader asks the socket for up to 64 KiB at a time and keeps
what it did not need in py-amqp's own read buffer (`_read_buffer`, which `_read` already consults first): the
frames and the protocol are unchanged, only the number of system calls drops.

Only the kit's own connections use it (the RPC client, the services' RPC consumer and reply publisher); everything
else (nameko's event consumers and dispatchers) keeps kombu's default transport. TLS connections keep py-amqp's
SSL transport.
"""
import errno
import socket

import amqp.transport
import kombu
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


class AmqpConnection(pyamqp.Connection):
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
