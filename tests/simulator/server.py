"""HTTP/1.1 server that speaks TLS and plain HTTP on one port: the first byte of a connection (0x16, a TLS
handshake record) decides, so tests can show that the SBC answers plain HTTP with 426."""

import logging
import socket
import socketserver
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .wire import Request, json_response

LOG = logging.getLogger(__name__)

TLS_HANDSHAKE = 0x16
HANDSHAKE_TIMEOUT = 10.0  # seconds to wait for the first byte and the TLS handshake
IDLE_TIMEOUT = 30.0  # seconds a keep-alive connection may sit idle
MAX_BODY = 1024 * 1024


def make_ssl_context(cert_path, key_path):
    """Server-side TLS context (TLS 1.2+)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    context.set_alpn_protocols(["http/1.1"])
    return context


class Handler(BaseHTTPRequestHandler):
    """Reads one request at a time off a (possibly TLS) connection and hands it to the router."""

    protocol_version = "HTTP/1.1"
    server_version = "apiauth-simulator/1.0"
    sys_version = ""
    timeout = IDLE_TIMEOUT

    def do_GET(self):  # pylint: disable=invalid-name
        """Serve GET."""
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _read_body(self):
        """(body, error response): bodies must come with Content-Length (no chunked uploads) and be small."""
        if self.headers.get("Transfer-Encoding"):
            return b"", json_response(411, {"error": "Length Required", "message": "send Content-Length, not chunked bodies"})
        length = self.headers.get("Content-Length")
        if length is None:
            return b"", None
        if not length.strip().isdigit():
            return b"", json_response(400, {"error": "Bad Request", "message": "invalid Content-Length"})
        size = int(length)
        if size > MAX_BODY:
            return b"", json_response(413, {"error": "Payload Too Large", "message": "body over %d bytes" % MAX_BODY})
        return self.rfile.read(size), None

    def _dispatch(self):
        body, error = self._read_body()
        path, _sep, query = self.path.partition("?")
        request = Request(self.command, path, query, self.headers, body, isinstance(self.connection, ssl.SSLSocket))
        if error is not None:
            self.close_connection = True  # the body was not consumed: the stream is out of sync
            response = self.server.router.reject(request, error)
        else:
            response = self.server.router.handle(request)
        if response.drop:
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response):
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        has_body = response.status >= 200 and response.status not in (204, 304)
        if has_body:
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if has_body and self.command != "HEAD":
            self.wfile.write(response.body)

    def version_string(self):
        return self.server_version

    def log_request(self, code="-", size="-"):
        """Request lines carry query strings (maybe tokens): the journal records requests instead."""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        LOG.debug("%s %s", self.address_string(), format % args)


class SimulatorServer(ThreadingHTTPServer):
    """Threaded server that peeks each connection to pick TLS or plain HTTP and can cut all connections on stop."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address, router, ssl_context):
        self.router = router
        self.ssl_context = ssl_context
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, Handler)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn): skip it, we only listen on loopback
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        connection = request
        try:
            request.settimeout(HANDSHAKE_TIMEOUT)
            # headers and body go out in separate writes: without NODELAY, Nagle + delayed ACK add ~40 ms per reply
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            first = request.recv(1, socket.MSG_PEEK)
            if not first:
                return
            if first[0] == TLS_HANDSHAKE:
                connection = self.ssl_context.wrap_socket(request, server_side=True)
            with self._connections_lock:
                self._connections.add(connection)
            self.RequestHandlerClass(connection, client_address, self)
        except OSError as exc:  # includes ssl.SSLError and timeouts: the client went away or spoke nonsense
            LOG.debug("connection from %s ended: %s", client_address, exc)
        finally:
            with self._connections_lock:
                self._connections.discard(connection)
            if connection is not request:
                _close(connection, socket.SHUT_WR)

    def shutdown_request(self, request):
        _close(request, socket.SHUT_WR)

    def close_connections(self):
        """Shut down every open connection so keep-alive handler threads end (their own threads close them)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _close(sock, how):
    """Shut down (takes effect even while file objects still reference the socket), then close."""
    try:
        sock.shutdown(how)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
