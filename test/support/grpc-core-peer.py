"""A gRPC peer on grpc's C core (Debian's python3-grpcio), the HTTP/2 stack of the C++ original.

server <reply-hex>: serves uiiit.rpc.EdgeServer/RunLambda (answers <reply-hex>, printing `REQ <hex>` of
  each request) and test.Peer/Echo, /Fail (PERMISSION_DENIED) and /Slow (echo after 0.5 s); prints
  `PORT <n>` once listening.
client <endpoint>: reads commands from stdin, one per line, and prints one line per command:
  `CALL <path> <hex> <timeout-s>` -> `OK <hex>` or `ERR <status-name> <details>`;
  `MANY <path> <hex> <n>` (n concurrent calls) -> `MANY <number of replies equal to the request>`.
Either may end with `tls <cert-dir>`: over TLS with the original's file names in <cert-dir> (ca.crt, and
  server.crt/server.key for a server, which requires a client certificate; client.crt/client.key for a
  client), or `tls-nocert <cert-dir>`: a client that trusts ca.crt but has no certificate of its own.
"""
import os
import sys
import time
from concurrent import futures

import grpc


def read(cert_dir, name):
    with open(os.path.join(cert_dir, name), 'rb') as f:
        return f.read()


def serve(reply_hex, tls):
    reply = bytes.fromhex(reply_hex)

    def run_lambda(request, context):
        print('REQ ' + request.hex(), flush=True)
        return reply

    def fail(request, context):
        context.abort(grpc.StatusCode.PERMISSION_DENIED, 'nö ☃ 100%')

    def slow(request, context):
        time.sleep(0.5)
        return request

    def handler(f):
        return grpc.unary_unary_rpc_method_handler(f)

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=16),
        handlers=[
            grpc.method_handlers_generic_handler('uiiit.rpc.EdgeServer', {'RunLambda': handler(run_lambda)}),
            grpc.method_handlers_generic_handler(
                'test.Peer',
                {'Echo': handler(lambda r, c: r), 'Fail': handler(fail), 'Slow': handler(slow)},
            ),
        ],
        options=[('grpc.max_receive_message_length', 8 * 1024 * 1024)],
    )
    if tls is None:
        port = server.add_insecure_port('127.0.0.1:0')
    else:
        credentials = grpc.ssl_server_credentials(
            [(read(tls[1], 'server.key'), read(tls[1], 'server.crt'))],
            root_certificates=read(tls[1], 'ca.crt'),
            require_client_auth=True,
        )
        port = server.add_secure_port('127.0.0.1:0', credentials)
    server.start()
    print('PORT %d' % port, flush=True)
    server.wait_for_termination()


def client(endpoint, tls):
    if tls is None:
        channel = grpc.insecure_channel(endpoint)
    else:
        mode, cert_dir = tls
        own = {} if mode == 'tls-nocert' else {
            'private_key': read(cert_dir, 'client.key'),
            'certificate_chain': read(cert_dir, 'client.crt'),
        }
        credentials = grpc.ssl_channel_credentials(root_certificates=read(cert_dir, 'ca.crt'), **own)
        channel = grpc.secure_channel(endpoint, credentials)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        call = channel.unary_unary(words[1])
        request = bytes.fromhex(words[2])
        if words[0] == 'CALL':
            try:
                reply = call(request, timeout=float(words[3]))
                print('OK ' + reply.hex(), flush=True)
            except grpc.RpcError as err:
                print('ERR %s %s' % (err.code().name, err.details()), flush=True)
        elif words[0] == 'MANY':
            calls = [call.future(request) for _ in range(int(words[3]))]
            print('MANY %d' % sum(1 for c in calls if c.result() == request), flush=True)


if __name__ == '__main__':
    tls = tuple(sys.argv[3:5]) if len(sys.argv) >= 5 else None
    if sys.argv[1] == 'server':
        serve(sys.argv[2], tls)
    else:
        client(sys.argv[2], tls)
