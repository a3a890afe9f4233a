/** Scheme of the reference URIs of the dev_app API: GS MEC 016 v2.2.1 wants a URI, the original a `host:port`. */
const SCHEME = 'grpc://';

/** The dev_app reference URI of a gRPC end-point: `grpc://host:port`. */
export function toReferenceUri(endpoint: string): string {
  return SCHEME + endpoint;
}

/** The gRPC end-point of a reference URI, of either API: `grpc://host:port` or `host:port`. */
export function fromReferenceUri(uri: string): string {
  return uri.startsWith(SCHEME) ? uri.slice(SCHEME.length).replace(/\/$/, '') : uri;
}
