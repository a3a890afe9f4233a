/**
 * What one HTTP/2 connection of the lean transport lets its peer cost us, after nghttp2's and grpc's
 * C core's defences: a peer past a limit gets GOAWAY ENHANCE_YOUR_CALM (or, when it does not even read,
 * loses its socket), and nothing else on the server is affected.
 */
export interface H2Limits {
  /** CONTINUATION frames one header block may take (nghttp2's default, its fix for CVE-2024-28182). */
  maxContinuations: number;
  /** Frames that carry nothing (empty DATA without END_STREAM, empty header fragments) a connection may send. */
  maxEmptyFrames: number;
  /** PING and SETTINGS acknowledgements queued behind a peer that does not read (nghttp2: 1,000). */
  maxQueuedControl: number;
  /** Bytes queued for a peer that does not read before its connection is dropped. */
  maxBufferedBytes: number;
  /** Streams a client may have open at once on a server (advertised as SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams: number;
  /** RST_STREAM frames a peer may send in a burst, and per second after it (nghttp2 ≥ 1.57: 1,000 and 33). */
  maxResetBurst: number;
  maxResetRate: number;
  /** How long a server waits for a new connection's client preface, ms. */
  prefaceTimeoutMs: number;
  /** How long a server keeps a connection with no open stream and no traffic, ms. */
  idleTimeoutMs: number;
}

/** The defaults: far above what a gRPC client of ours or of the C core needs, far below harm. */
export const DEFAULT_H2_LIMITS: Readonly<H2Limits> = {
  maxContinuations: 8,
  maxEmptyFrames: 1000,
  maxQueuedControl: 1000,
  maxBufferedBytes: 32 * 1024 * 1024,
  maxConcurrentStreams: 1000,
  maxResetBurst: 1000,
  maxResetRate: 33,
  prefaceTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
};

/**
 * What all the connections of one lean gRPC server together may cost it, on top of each connection's
 * {@link H2Limits}: without them, 500 connections each sending a 4 MiB request at once would have it
 * hold 2 GiB.
 */
export interface GrpcServerLimits extends H2Limits {
  /**
   * Request-message bytes the server holds at once over all its connections, from each message's
   * declared length (its 5-octet prefix) until the call is answered or reset. A message that would pass
   * it is refused RESOURCE_EXHAUSTED before its body is read; the connection and its other calls go on.
   */
  maxReceivingBytes: number;
  /** Connections the server keeps at once; one more is closed as soon as it is accepted. */
  maxConnections: number;
}

/** The server-wide defaults: 256 MiB of requests being received (64 of the largest), 4,096 connections. */
export const DEFAULT_GRPC_SERVER_LIMITS: Readonly<GrpcServerLimits> = {
  ...DEFAULT_H2_LIMITS,
  maxReceivingBytes: 256 * 1024 * 1024,
  maxConnections: 4096,
};
