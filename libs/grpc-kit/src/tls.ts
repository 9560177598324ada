import * as fs from 'node:fs';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ConfigError } from '@maas/errors';
import type { Logger } from '@maas/logging';

/** Whether a TLS server asks for and checks client certificates. */
export type TlsClientAuth = 'none' | 'require';

/** The TLS settings of a process (MAAS_TLS_*); TLS is on when certFile and keyFile are set. */
export interface TlsSettings {
  tlsCertFile: string;
  tlsKeyFile: string;
  tlsCaFile: string;
  tlsClientAuth: TlsClientAuth;
  tlsServerName: string;
}

/** The certificate material as read: PEM buffers. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Empty when no CA file is set (clients then trust the system roots). */
  ca: Buffer;
}

type CaListener = (update: { caCertificate: Buffer } | null) => void;
type IdentityListener = (update: { certificate: Buffer; privateKey: Buffer } | null) => void;

const EXPIRY_WARNING_MS = 7 * 24 * 3600_000;

/**
 * A process's certificate, key and CA from files, reloaded when the files change (rotation without restart).
 * The files are read and checked at start: a missing, unreadable or mismatched file fails the start with a
 * ConfigError naming the setting. A later change that does not check out (half-written, key not matching the
 * certificate) is logged and the previous material stays in use, so a botched rotation never takes TLS down.
 * It is a grpc-js CertificateProvider, so gRPC servers and channels pick up a reload for new connections.
 */
export class TlsFiles {
  private material: TlsMaterial;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly changeListeners = new Set<(material: TlsMaterial) => void>();
  private watching = false;

  private constructor(
    readonly settings: TlsSettings,
    private readonly logger: Logger | undefined,
    private readonly reloadIntervalMs: number,
  ) {
    this.material = this.read();
    this.warnIfExpiring();
  }

  /** TLS files of the settings, or undefined when TLS is off (no certificate and key set). */
  static fromSettings(settings: TlsSettings, logger?: Logger, reloadIntervalMs = 2000): TlsFiles | undefined {
    const { tlsCertFile: cert, tlsKeyFile: key, tlsCaFile: ca, tlsClientAuth } = settings;
    if (cert === '' && key === '') {
      if (tlsClientAuth === 'require') throw new ConfigError('MAAS_TLS_CLIENT_AUTH=require needs MAAS_TLS_CERT_FILE and MAAS_TLS_KEY_FILE (TLS is off without them)');
      return undefined;
    }
    if (cert === '' || key === '') throw new ConfigError('MAAS_TLS_CERT_FILE and MAAS_TLS_KEY_FILE must be set together (a PEM certificate and its private key)');
    if (tlsClientAuth === 'require' && ca === '') throw new ConfigError('MAAS_TLS_CLIENT_AUTH=require needs MAAS_TLS_CA_FILE: the CA that signs the client certificates');
    return new TlsFiles(settings, logger, reloadIntervalMs);
  }

  private readFile(setting: string, file: string): Buffer {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError(`${setting}=${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Reads and checks the files: the key must match the certificate, every PEM must parse. */
  private read(): TlsMaterial {
    const s = this.settings;
    const material = {
      cert: this.readFile('MAAS_TLS_CERT_FILE', s.tlsCertFile),
      key: this.readFile('MAAS_TLS_KEY_FILE', s.tlsKeyFile),
      ca: s.tlsCaFile === '' ? Buffer.alloc(0) : this.readFile('MAAS_TLS_CA_FILE', s.tlsCaFile),
    };
    try {
      tls.createSecureContext({ cert: material.cert, key: material.key, ...(material.ca.length > 0 ? { ca: material.ca } : {}) });
    } catch (err) {
      throw new ConfigError(`MAAS_TLS_CERT_FILE=${s.tlsCertFile} / MAAS_TLS_KEY_FILE=${s.tlsKeyFile} / MAAS_TLS_CA_FILE=${s.tlsCaFile || '(none)'}: ${(err as Error).message}`, { cause: err });
    }
    return material;
  }

  private warnIfExpiring(): void {
    try {
      const cert = new X509Certificate(this.material.cert);
      const validToMs = Date.parse(cert.validTo);
      if (validToMs - Date.now() < EXPIRY_WARNING_MS) {
        this.logger?.warn({ certFile: this.settings.tlsCertFile, validTo: cert.validTo }, validToMs < Date.now() ? 'TLS certificate has expired: peers will refuse it' : 'TLS certificate expires within 7 days');
      }
    } catch {
      // createSecureContext accepted it; an unusual encoding X509Certificate cannot read is not worth failing for.
    }
  }

  private readonly onFileChange = (current: fs.Stats, previous: fs.Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    let next: TlsMaterial;
    try {
      next = this.read();
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message }, 'TLS files changed but do not check out; keeping the certificates loaded before');
      return;
    }
    if (next.cert.equals(this.material.cert) && next.key.equals(this.material.key) && next.ca.equals(this.material.ca)) return;
    this.material = next;
    this.logger?.info({ certFile: this.settings.tlsCertFile }, 'TLS certificates reloaded');
    this.warnIfExpiring();
    this.publish();
  };

  private publish(): void {
    const m = this.material;
    for (const l of this.caListeners) l(m.ca.length > 0 ? { caCertificate: m.ca } : null);
    for (const l of this.identityListeners) l({ certificate: m.cert, privateKey: m.key });
    for (const l of this.changeListeners) l(m);
  }

  private startWatching(): void {
    if (this.watching || this.reloadIntervalMs <= 0) return;
    this.watching = true;
    const s = this.settings;
    for (const file of [s.tlsCertFile, s.tlsKeyFile, s.tlsCaFile].filter((f) => f !== '')) {
      fs.watchFile(file, { interval: this.reloadIntervalMs, persistent: false }, this.onFileChange);
    }
  }

  /** The material in use now. */
  current(): TlsMaterial {
    return this.material;
  }

  /** Calls `fn` after every reload (for servers outside grpc-js, such as the gateway's HTTPS server). */
  onChange(fn: (material: TlsMaterial) => void): () => void {
    this.startWatching();
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  // ---- grpc-js CertificateProvider ------------------------------------------------------------------------

  addCaCertificateListener(listener: CaListener): void {
    this.startWatching();
    this.caListeners.add(listener);
    process.nextTick(listener, this.material.ca.length > 0 ? { caCertificate: this.material.ca } : null);
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.startWatching();
    this.identityListeners.add(listener);
    process.nextTick(listener, { certificate: this.material.cert, privateKey: this.material.key });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  /** Stops watching the files. */
  close(): void {
    const s = this.settings;
    for (const file of [s.tlsCertFile, s.tlsKeyFile, s.tlsCaFile].filter((f) => f !== '')) fs.unwatchFile(file, this.onFileChange);
    this.watching = false;
  }
}

/** Server credentials: TLS (verifying client certificates against the CA when client auth is required) or plaintext. */
export function serverCredentials(files: TlsFiles | undefined): grpc.ServerCredentials {
  if (!files) return grpc.ServerCredentials.createInsecure();
  const requireClientCert = files.settings.tlsClientAuth === 'require';
  // grpc-js's factory takes (ca, identity) while its class takes (identity, ca): one provider for both is safe either way.
  return grpc.experimental.createCertificateProviderServerCredentials(files, requireClientCert ? files : null, requireClientCert);
}

/**
 * How a process's clients reach its peers: plaintext, or TLS that trusts the CA (the system roots without
 * one), presents the process's own certificate, and checks that a peer's certificate names the peer's
 * service (`maas-registry`, ...) or MAAS_TLS_SERVER_NAME, since peers are dialled by IP address.
 */
export interface ClientTransport {
  readonly secure: boolean;
  readonly credentials: grpc.ChannelCredentials;
  /** Channel options for calling `service` (TLS name override), merged into the client's. */
  channelOptions(service: string): grpc.ChannelOptions;
}

/** Plaintext clients. */
export const PLAINTEXT: ClientTransport = Object.freeze({
  secure: false,
  credentials: grpc.credentials.createInsecure(),
  channelOptions: () => ({}),
});

/** A client transport from a process's TLS files (plaintext when undefined). */
export function clientTransport(files: TlsFiles | undefined): ClientTransport {
  if (!files) return PLAINTEXT;
  const hasCa = files.current().ca.length > 0;
  const credentials = hasCa
    ? grpc.experimental.createCertificateProviderChannelCredentials(files, files)
    : grpc.credentials.createSsl(null, files.current().key, files.current().cert);
  const fixedName = files.settings.tlsServerName;
  return {
    secure: true,
    credentials,
    channelOptions: (service) => {
      const name = fixedName || service;
      return name === '' ? {} : { 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name };
    },
  };
}

/**
 * A client transport from files a caller names (the CLI's --ca/--cert/--key, tests): TLS trusting `caFile`
 * (system roots when empty), presenting the pair when given, checking the server's name against `serverName`
 * when set (else the address's host).
 */
export function clientTransportFromFiles(options: { caFile?: string; certFile?: string; keyFile?: string; serverName?: string }): ClientTransport {
  const read = (what: string, file: string | undefined): Buffer | null => {
    if (!file) return null;
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError(`${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const ca = read('CA file', options.caFile);
  const cert = read('certificate file', options.certFile);
  const key = read('key file', options.keyFile);
  if ((cert === null) !== (key === null)) throw new ConfigError('a client certificate needs its key and a key its certificate (--cert and --key together)');
  const credentials = grpc.credentials.createSsl(ca, key, cert);
  const name = options.serverName ?? '';
  return {
    secure: true,
    credentials,
    channelOptions: () => (name === '' ? {} : { 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name }),
  };
}
