"""A TCP proxy that misbehaves on purpose, for fault-injection tests.

`tc netem` is not available on these machines, so the faults a real network
makes are made here, between a client and the server (the ideas follow
toxiproxy's "slicer", "latency" and "reset_peer"):

  chunk=1, delay=0.001   deliver the bytes one at a time, with a pause
  cut_after=N            forward exactly N bytes from client to server, then
                         reset both connections (RST, not a polite FIN)
  cut_direction="down"   count and cut the server-to-client bytes instead
  tiny_buffers=True      a very small SO_SNDBUF/SO_RCVBUF towards the server

Loopback only. Every thread is joined by stop(), and every socket closed.
"""

import socket
import struct
import threading
import time


def reset(sock):
    """Closes with SO_LINGER 0, so the peer sees a reset, not an end of stream."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class FaultProxy:
    def __init__(self, target_port, target_host="127.0.0.1", chunk=None, delay=0.0,
                 cut_after=None, cut_direction="up", tiny_buffers=False):
        self.target = (target_host, target_port)
        self.chunk = chunk
        self.delay = delay
        self.cut_after = cut_after
        self.cut_direction = cut_direction
        self.tiny_buffers = tiny_buffers
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.threads = []
        self.sockets = []
        self.lock = threading.Lock()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self._spawn(self._accept_loop)

    def stop(self):
        self.stopping.set()
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.close()
                except OSError:
                    pass
        for thread in list(self.threads):
            thread.join(timeout=5)

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self.lock:
            self.threads.append(thread)
        thread.start()

    def _accept_loop(self):
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if self.tiny_buffers:
                server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1024)
                server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            try:
                server.connect(self.target)
            except OSError:
                reset(client)
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                # Short waits, so that the pumps notice stop() quickly.
                sock.settimeout(0.05)
            with self.lock:
                self.sockets += [client, server]
            cut_up = self.cut_after if self.cut_direction == "up" else None
            cut_down = self.cut_after if self.cut_direction == "down" else None
            self._spawn(self._pump, client, server, cut_up)
            self._spawn(self._pump, server, client, cut_down)

    def _pump(self, source, sink, cut_after):
        """Copies source -> sink, sliced and delayed; resets both at the cut."""
        forwarded = 0
        deadline = time.monotonic() + 60  # no pump outlives a minute
        while not self.stopping.is_set() and time.monotonic() < deadline:
            if cut_after is not None and forwarded >= cut_after:
                reset(source)
                reset(sink)
                return
            try:
                data = source.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not data:
                break
            if cut_after is not None:
                data = data[:cut_after - forwarded]
            step = self.chunk or len(data)
            try:
                for start in range(0, len(data), step):
                    sink.sendall(data[start:start + step])
                    if self.delay:
                        time.sleep(self.delay)
            except OSError:
                break
            forwarded += len(data)
        # The source finished (or failed): pass the end of stream on.
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass
