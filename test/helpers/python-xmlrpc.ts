/**
 * Python's xmlrpc.client over xend's Unix socket, as xm's ServerProxy reached it:
 * `UnixTransport(path)` for a ServerProxy to http://localhost/RPC2.
 */
export const PYTHON_UNIX_TRANSPORT = String.raw`
import socket, http.client, xmlrpc.client

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost')
        self.unix_path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)

class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path):
        super().__init__()
        self.unix_path = path
    def make_connection(self, host):
        return UnixConnection(self.unix_path)
`;
