#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz_apf_session (its input is a program: see the target's
host_step and amt_message) into tests/fuzz/corpus/apf_session/."""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "apf_session")
MTU_4096, MTU_100 = 3, 1


def amt(kind, *fields):  # host_step 1: a well-formed message from AMT
    return bytes([1, kind, *fields])


def channel(n):  # channel_ref: an explicit channel number instead of the current one
    return 198 + n if n < 33 else n


CURRENT = 0
VERSION = amt(0, 1, 0)
PFWD = amt(1, 1)
FORWARD_HTTP, FORWARD_RMCP = amt(2, 0), amt(2, 2)
HANDSHAKE = VERSION + PFWD + FORWARD_HTTP + FORWARD_RMCP


def confirm(n, window_choice=3):  # window_ref 3: 4096
    return amt(5, channel(n), *struct.pack(">I", 0x100 + n), window_choice)


OPEN_HTTP, RECEIVE_READY, TAKE_AND_CREDIT, CLOSE = bytes([4, 1]), bytes([8]), bytes([6, 1]), bytes([7])


def send(count):
    return bytes([5]) + struct.pack(">H", count)


def data(text):
    return amt(8, CURRENT, len(text)) + text


SEEDS = {
    "request_response_reopen": bytes([MTU_4096]) + HANDSHAKE + confirm(1) + OPEN_HTTP + send(300)
    + amt(7, CURRENT, 2) + data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") + RECEIVE_READY
    + TAKE_AND_CREDIT + amt(9, CURRENT) + RECEIVE_READY + HANDSHAKE + confirm(2) + OPEN_HTTP
    + send(10) + CLOSE,
    "small_mtu_window": bytes([MTU_100]) + HANDSHAKE + confirm(1, 1) + OPEN_HTTP + send(500)
    + amt(7, CURRENT, 2) + RECEIVE_READY + send(500) + CLOSE,
    "refused_then_keepalive": bytes([MTU_4096]) + HANDSHAKE + amt(6, channel(1), 2) + OPEN_HTTP
    + amt(11, 4, 1, 2, 3, 4) + confirm(2) + OPEN_HTTP + RECEIVE_READY + CLOSE,
    "disconnect_in_handshake": bytes([MTU_4096]) + VERSION + amt(10, 1, 0, 0, 0, 7) + OPEN_HTTP
    + bytes([9]) + OPEN_HTTP + HANDSHAKE + amt(3, 0) + OPEN_HTTP,
    "malformed_message": bytes([MTU_4096]) + HANDSHAKE + confirm(1) + OPEN_HTTP
    + bytes([0, 3, 94, 0, 0]) + RECEIVE_READY + send(1) + CLOSE,
}

os.makedirs(OUT, exist_ok=True)
for name, seed in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(seed)
