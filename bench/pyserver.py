#!/usr/bin/env python3
"""Baseline for the server-load benchmark: Python's SimpleXMLRPCServer with
socketserver.ThreadingMixIn (the stack the real xend's XML-RPC server was built on)
answering xend.domains_with_state with a payload captured from our xend.

  pyserver.py PAYLOAD.xml [--mode marshal|bytes] [--http 1.0|1.1]

--mode marshal (default): the captured response is decoded once at start-up and the
  method returns that value, so every request pays Python's dispatch and marshalling,
  as xend did.
--mode bytes: the captured response bytes are written back verbatim (Python's HTTP
  stack only, no marshalling): an upper bound for any Python server.
--http 1.1 lets connections stay alive between requests (stock is 1.0: one request
  per connection, as the real xend served it).
Listens on 127.0.0.1, port chosen by the kernel; prints the port when ready.
"""
import socketserver
import sys
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

args = sys.argv[1:]
payload_path = args[0]
mode = args[args.index('--mode') + 1] if '--mode' in args else 'marshal'
http_version = args[args.index('--http') + 1] if '--http' in args else '1.0'

with open(payload_path, 'rb') as f:
    payload = f.read()
(value,), _ = xmlrpc.client.loads(payload, use_builtin_types=True)


class Handler(SimpleXMLRPCRequestHandler):
    protocol_version = 'HTTP/' + http_version
    rpc_paths = ()  # any path, as xend

    def log_message(self, format, *args):
        pass


class Server(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
    allow_reuse_address = True

    if mode == 'bytes':
        def _marshaled_dispatch(self, data, dispatch_method=None, path=None):
            return payload


server = Server(('127.0.0.1', 0), requestHandler=Handler, allow_none=True, logRequests=False)
server.register_function(lambda detail=True, state='all', full=False: value, 'xend.domains_with_state')
server.register_function(lambda detail=True, full=False: value, 'xend.domains')
print(server.server_address[1], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
