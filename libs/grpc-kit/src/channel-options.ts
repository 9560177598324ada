import type { ChannelOptions } from '@grpc/grpc-js';

/** Default largest message a server accepts or sends: 64 MiB (images and batched tensors are big). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Server-side channel options: keepalive pings detect dead peers; a maximum connection age makes long-lived
 * clients reconnect now and then, so new replicas behind a Kubernetes Service get traffic.
 */
export function serverChannelOptions(maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): ChannelOptions {
  return {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_connection_age_ms': 5 * 60_000,
    'grpc.max_connection_age_grace_ms': 30_000,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  };
}

/**
 * HTTP/2 receive window of client connections: 8 MiB. With HTTP/2's default 64 KiB, any reply larger than
 * that (a preprocessed image tensor is ~110 KB) waits for a WINDOW_UPDATE round trip through both event
 * loops before its last bytes may be sent.
 */
export const CLIENT_FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * HTTP/2 receive window a server opens on each connection and stream: 8 MiB. A request larger than HTTP/2's
 * default 64 KiB (an OCR tensor is 110 KB) otherwise stops half way and waits for the server's WINDOW_UPDATE:
 * a round trip through both processes in the middle of every upload.
 */
export const SERVER_FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;

/** Client-side channel options matching the server's: keepalive, the same message limits, a large receive window. */
export function clientChannelOptions(maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): ChannelOptions {
  return {
    'grpc-node.flow_control_window': CLIENT_FLOW_CONTROL_WINDOW_BYTES,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc.enable_retries': 0,
  };
}
