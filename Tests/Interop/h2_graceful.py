"""Opens one h2c connection, sends GET PATH and reads until the server closes the connection.

Usage: h2_graceful.py PORT PATH

Prints one JSON object: the response status, the body, whether a GOAWAY arrived (before or
after the response), and whether the server closed the connection.
"""
import json
import socket
import sys

import h2.config
import h2.connection
import h2.events


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, [(":method", "GET"), (":path", path), (":scheme", "http"), (":authority", f"127.0.0.1:{port}")], end_stream=True)
    sock.sendall(conn.data_to_send())
    result = {"status": None, "body": "", "goaway": False, "closed": False}
    try:
        while True:
            data = sock.recv(65535)
            if not data:
                result["closed"] = True
                break
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    result["status"] = int(dict(event.headers)[":status"])
                elif isinstance(event, h2.events.DataReceived):
                    result["body"] += event.data.decode()
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    result["goaway"] = True
            out = conn.data_to_send()
            if out:
                sock.sendall(out)
    except (ConnectionResetError, socket.timeout):
        pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
