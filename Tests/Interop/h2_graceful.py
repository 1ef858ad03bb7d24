"""Opens one h2c connection, sends GET PATH and reads until the server closes the connection.

Usage: h2_graceful.py PORT PATH

The request is sent with the `h2` library; the server's frames are read with `hyperframe` and
`hpack` directly, because `h2` treats a connection as closed at the first GOAWAY, while a
graceful shutdown (RFC 9113 §6.8) goes on serving the streams it already accepted. PINGs are
acknowledged, as any client must. Prints one JSON object: the response status, the body,
whether a GOAWAY arrived, and whether the server closed the connection.
"""
import json
import socket
import sys

import h2.config
import h2.connection
import hpack
from hyperframe.frame import DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    conn.send_headers(1, [(":method", "GET"), (":path", path), (":scheme", "http"), (":authority", f"127.0.0.1:{port}")], end_stream=True)
    sock.sendall(conn.data_to_send())
    decoder = hpack.Decoder()
    result = {"status": None, "body": "", "goaway": False, "closed": False}
    buffer = b""
    try:
        while True:
            data = sock.recv(65535)
            if not data:
                result["closed"] = True
                break
            buffer += data
            while len(buffer) >= 9:
                frame, length = Frame.parse_frame_header(memoryview(buffer[:9]))
                if len(buffer) < 9 + length:
                    break
                frame.parse_body(memoryview(buffer[9:9 + length]))
                buffer = buffer[9 + length:]
                if isinstance(frame, HeadersFrame) and frame.stream_id == 1:
                    headers = dict((k.decode() if isinstance(k, bytes) else k, v) for k, v in decoder.decode(frame.data))
                    status = headers.get(":status")
                    result["status"] = int(status.decode() if isinstance(status, bytes) else status)
                elif isinstance(frame, DataFrame) and frame.stream_id == 1:
                    result["body"] += frame.data.decode()
                elif isinstance(frame, GoAwayFrame):
                    result["goaway"] = True
                elif isinstance(frame, PingFrame) and "ACK" not in frame.flags:
                    ack = PingFrame(0, frame.opaque_data)
                    ack.flags.add("ACK")
                    sock.sendall(ack.serialize())
    except (ConnectionResetError, socket.timeout):
        pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
