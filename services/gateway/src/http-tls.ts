import * as http from 'node:http';
import * as https from 'node:https';
import type { TlsFiles, TlsMaterial } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';

/** The gateway's HTTP server: plain HTTP, or HTTPS (asking for client certificates under mutual TLS). */
export type GatewayHttpServer = http.Server | https.Server;

const contextOf = (m: TlsMaterial) => ({ cert: m.cert, key: m.key, ...(m.ca.length > 0 ? { ca: m.ca } : {}) });

/**
 * An HTTP server for `handler`: HTTPS when the process has TLS files, with the same certificate as its gRPC
 * server, verifying client certificates against the CA when MAAS_TLS_CLIENT_AUTH=require, and taking a
 * reloaded certificate for new connections. A refused handshake is one warn line.
 */
export function createGatewayHttpServer(handler: http.RequestListener, tls: TlsFiles | undefined, logger: Logger): GatewayHttpServer {
  if (!tls) return http.createServer(handler);
  const requireClientCert = tls.settings.tlsClientAuth === 'require';
  const server = https.createServer({ ...contextOf(tls.current()), requestCert: requireClientCert, rejectUnauthorized: requireClientCert }, handler);
  const unsubscribe = tls.onChange((m) => server.setSecureContext(contextOf(m)));
  server.on('close', unsubscribe);
  server.on('tlsClientError', (err: Error & { code?: string }, socket) => {
    logger.warn({ remoteAddress: socket.remoteAddress, code: err.code, err: err.message }, 'TLS connection refused (HTTP)');
  });
  return server;
}
