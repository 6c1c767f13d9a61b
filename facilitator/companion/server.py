"""The companion's web server: an aiohttp application on a thread of its own, with its own event loop.

    server = CompanionServer("192.168.1.10", 8080)        # the address the trainer picked; 127.0.0.1 by default
    server.get("/j/{code}", join_page)                     # async def join_page(request) -> web.StreamResponse
    server.post("/checkin", check_in)
    host, port = server.start()                            # UserError if the address cannot be listened on
    ...
    server.stop()                                          # graceful, waits for the thread; safe to call twice

The server listens on the one address it is given, never on every interface unless asked to by name
("0.0.0.0"): the trainer's hotspot or the site's LAN, not whatever else the laptop is connected to. Port 0 lets
the system pick a free one. Handlers run on the server's loop: anything that may take a while (a service call
that commits to the store) belongs in `await asyncio.to_thread(...)`, so one slow phone does not hold up the
others. The static files (`/static/NAME`) and the guard (`guard.py`) are put on every application it makes.

Nothing outside this thread touches the loop except `stop`; the window learns of what phones did through the
store, as docs/companion.md says.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiohttp import web

from facilitator.companion import guard as guarding
from facilitator.companion.addresses import LOOPBACK, local_addresses
from facilitator.companion.assets import ROUTE as STATIC_ROUTE
from facilitator.companion.assets import STATIC_DIR, StaticFiles
from facilitator.i18n import _
from facilitator.services.errors import UserError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
START_TIMEOUT = 30.0  # seconds to bind; it takes milliseconds, but CI machines are busy
SHUTDOWN_TIMEOUT = 5.0  # seconds a request in progress may take to finish when the server stops
# The handlers' service calls run here, one at a time: they take the same interpreter lock and the same write lock
# anyway, and with several workers they also took turns on the lock every few milliseconds, which made a room of
# phones' answers several times slower (benchmarks/phones_bench.py).
WORKERS = 1
# Seconds a connection may stay open with no request in progress: idle between a phone's pages, or from its
# opening until a request's headers are all in (aiohttp counts both from the same moment, and its default is an
# hour). A phone opens a new connection in a few milliseconds; a client that sends half a request and waits
# holds a file handle no longer than this.
KEEPALIVE_TIMEOUT = 15.0
# Seconds the rest of a body is read and thrown away after a refusal that did not read it (413, 408, a 429 with
# a body …), so that the client sees the page rather than a reset; then the connection is closed. With the
# guard's BODY_TIMEOUT, the longest a body sent by halves holds its connection (aiohttp's default is 10).
LINGERING_TIME = 5.0
# The soft limit on open files the server asks for when it starts, up to the hard one: macOS starts an app at 256,
# which a room of phones and the app's own files share.
FILE_HANDLES = 4096
# Why a bind failed. Windows sockets report WSA codes (in `winerror`), which its errno module does not use.
_IN_USE = {errno.EADDRINUSE, 10048}
_NOT_HERE = {errno.EADDRNOTAVAIL, 10049}
_DENIED = {errno.EACCES, errno.EPERM, 10013}


class CompanionServer:
    """One companion server: register routes, then `start` it on its address; `stop` it when done. It may be
    started again after a stop (on the same address and port, or another port if the port was 0)."""

    def __init__(self, host: str = LOOPBACK, port: int = 0, *, guard: guarding.Guard | None = None,
                 static_dir: Path = STATIC_DIR) -> None:
        if not host:  # asyncio reads "" as every interface: that must never happen by accident
            raise ValueError("the companion needs the address to listen on")  # not user text: a bug
        self.host, self.port = host, port
        self.guard = guard or guarding.Guard()
        self._static = StaticFiles(static_dir)  # read now, so a broken install fails before anything starts
        self._routes: list[tuple[str, str, Handler]] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._bound: tuple[str, int] | None = None

    # --- routes ---------------------------------------------------------------------------------------------

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        """Serve `method` ("GET" — which answers HEAD too — or "POST") on `path` (aiohttp's syntax:
        "/vote/{question}") with `handler`, an async function of the request returning a response. A handler
        may raise a UserError (a 400 page with its message) or an aiohttp HTTP exception (its status page)."""
        if method not in ("GET", "POST"):
            raise ValueError(f"the companion serves GET and POST only, not {method}")  # not user text: a bug
        if self.running:
            raise RuntimeError("add the companion's routes before starting it")
        self._routes.append((method, path, handler))

    def get(self, path: str, handler: Handler) -> None:
        self.add_route("GET", path, handler)

    def post(self, path: str, handler: Handler) -> None:
        self.add_route("POST", path, handler)

    # --- life ---------------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def address(self) -> tuple[str, int] | None:
        """The host and port listened on while running, else None."""
        return self._bound if self.running else None

    @property
    def url(self) -> str:
        """"http://HOST:PORT" of the running server (IPv6 hosts in brackets); RuntimeError when stopped."""
        if self.address is None:
            raise RuntimeError("the companion server is not running")
        host, port = self.address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"  # not user text

    def start(self) -> tuple[str, int]:
        """Listen on the address and serve; returns the host and port bound (the port the system chose, for 0).
        UserError, saying what to do, when the address is in use, not this machine's, or not allowed."""
        if self.running:
            raise RuntimeError("the companion server is already running")
        self._ready.clear()
        self._failure, self._bound = None, None
        self._thread = threading.Thread(target=self._run, name="companion-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise RuntimeError("the companion server did not start in time")
        if self._failure is not None:
            self._thread.join()
            self._thread, self._loop = None, None
            failure, self._failure = self._failure, None
            explained = self._explain(failure)
            if explained is failure:  # not a bind failure: a bug, shown as it is
                raise failure
            raise explained from failure
        assert self._bound is not None
        return self._bound

    def stop(self) -> None:
        """Stop listening, let requests in progress finish (a few seconds at most), close the connections and
        wait for the thread. Does nothing when not running."""
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread, self._loop, self._bound = None, None, None

    def address_present(self) -> bool:
        """Whether the address listened on is still one of this machine's (a hotspot switched off, or a new
        address from DHCP, takes it away): the console warns when it is not."""
        return self.host in (*local_addresses(), "0.0.0.0", "::", "localhost", "::1")

    # --- the server's own thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        more_file_handles()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.set_default_executor(ThreadPoolExecutor(WORKERS, thread_name_prefix="companion"))
        self._loop = loop
        runner: web.AppRunner | None = None
        try:
            runner = loop.run_until_complete(self._listen())
        except BaseException as failure:  # told to the caller of start, which is waiting for it
            self._failure = failure
        self._ready.set()
        try:
            if runner is not None:
                loop.run_forever()
                loop.run_until_complete(runner.cleanup())
        finally:
            _finish(loop)
            loop.close()

    async def _listen(self) -> web.AppRunner:
        runner = web.AppRunner(self._application(), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT,
                               keepalive_timeout=KEEPALIVE_TIMEOUT, lingering_time=LINGERING_TIME,
                               logger=_MalformedRequests(log))
        await runner.setup()
        try:
            site = _Site(runner, self.host, self.port, self.guard.max_connections)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._bound = tuple(runner.addresses[0][:2])  # type: ignore[assignment]
        return runner

    def _application(self) -> web.Application:
        """A new application for each start (aiohttp freezes one once it runs)."""
        app = web.Application(middlewares=guarding.MIDDLEWARES, client_max_size=self.guard.max_body)
        guarding.install(app, self.guard)
        app.router.add_get(STATIC_ROUTE, self._static.handle)
        for method, path, handler in self._routes:
            if method == "GET":
                app.router.add_get(path, handler)
            else:
                app.router.add_post(path, handler)
        return app

    def _explain(self, failure: BaseException) -> BaseException:
        """A bind failure in the trainer's words; anything else as it is."""
        where = f"{self.host}:{self.port}"
        if isinstance(failure, socket.gaierror):
            return UserError(_("{host} is not an address of this computer; pick one of its addresses "
                               "({choices})").format(host=self.host, choices=", ".join(local_addresses())))
        if not isinstance(failure, OSError):
            return failure
        code = getattr(failure, "winerror", None) or failure.errno
        if code in _IN_USE:
            return UserError(_("another program is already listening on {where}; pick another port, or close "
                               "that program").format(where=where))
        if code in _NOT_HERE:
            return UserError(_("{host} is not an address of this computer (did the network change?); pick one of "
                               "its addresses ({choices})").format(host=self.host,
                                                                   choices=", ".join(local_addresses())))
        if code in _DENIED:
            return UserError(_("this computer does not allow listening on {where}; ports below 1024 need an "
                               "administrator: pick a port above 1024").format(where=where))
        return UserError(_("cannot listen on {where}: {reason}").format(where=where,
                                                                      reason=failure.strerror or failure))


class _Site(web.BaseSite):
    """aiohttp's TCP site, with at most `limit` connections open at once from one client address (None: any
    number): one more is closed as soon as it opens, before aiohttp reads from it. Never reuse_port: a second
    server on the same port must fail."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, limit: int | None) -> None:
        super().__init__(runner)
        self._host, self._port = host, port
        self._open = _OpenConnections(limit) if limit is not None else None

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"  # not user text

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        open_ = self._open
        factory: Callable[[], asyncio.Protocol] = server if open_ is None else lambda: _Counted(server, open_)
        self._server = await asyncio.get_running_loop().create_server(factory, self._host, self._port,
                                                                      backlog=self._backlog)


class _OpenConnections:
    """How many connections each client address has open now (on the server's loop only; an address is forgotten
    once it has none)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[str, int] = {}

    def admit(self, address: str) -> bool:
        count = self._open.get(address, 0)
        if count >= self.limit:
            return False
        self._open[address] = count + 1
        return True

    def release(self, address: str) -> None:
        count = self._open.pop(address, 0) - 1
        if count > 0:
            self._open[address] = count


class _Counted(asyncio.Protocol):
    """One connection: aiohttp's protocol for it (made by `factory`, aiohttp's server) once its address is
    admitted, each of the transport's calls passed on to it; a connection over its address's limit is closed at
    once, and aiohttp never sees it."""

    def __init__(self, factory: Callable[[], asyncio.Protocol], open_: _OpenConnections) -> None:
        self._factory, self._open = factory, open_
        self._inner: asyncio.Protocol | None = None
        self._address = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if peer else "unknown"  # not user text
        if not self._open.admit(address):
            log.debug("a client had too many connections open; one more was closed")
            transport.abort()
            return
        self._address, self._inner = address, self._factory()
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._inner is not None:
            self._open.release(self._address)
            self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()


def more_file_handles(wanted: int = FILE_HANDLES) -> int | None:
    """Raise this process's soft limit on open files towards `wanted`, never past the hard limit nor down: the
    server runs inside the app, whose windows, store and logs need file handles too. Returns the soft limit now,
    or None where there is no such limit to ask for (Windows)."""
    try:
        import resource
    except ImportError:  # Windows: no soft limit of this kind
        return None
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ValueError, OSError) as refused:  # a sandbox that forbids it: the limit stays as it was
        log.debug("the limit on open files could not be raised: %s", refused)
        return None


class _MalformedRequests(logging.LoggerAdapter):  # type: ignore[type-arg]
    """What aiohttp reports of requests it could not even parse (garbage, a header too long, a bad length): the
    sender's doing, not a failure here, so DEBUG rather than an ERROR with a traceback each time — and without
    the sender's address, which the companion never keeps. Failures of the handlers are logged by the guard."""

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        self.debug("a request could not be handled", exc_info=exc_info)


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """End what is left on a stopped loop (a connection that never sent a whole request, say), so that closing
    it destroys no task that is still pending."""
    leftover = asyncio.all_tasks(loop)
    for task in leftover:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
