#!/usr/bin/env python3
"""Reference peer for the client-latency benchmark: a stock xmlrpc.client script
making the call `xm list` makes, xend.domains_with_state(True, 'all', 0), over
xend's Unix socket (as scripts written for the real xend did)."""
import http.client
import socket
import sys
import xmlrpc.client


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost')
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path):
        super().__init__()
        self.socket_path = path

    def make_connection(self, host):
        return UnixConnection(self.socket_path)


server = xmlrpc.client.ServerProxy('http://localhost/RPC2', transport=UnixTransport(sys.argv[1]), allow_none=True)
domains = server.xend.domains_with_state(True, 'all', 0)
print(len(domains))
