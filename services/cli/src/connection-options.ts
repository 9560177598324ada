import { Command, Option } from 'commander';
import { clientTransportFromFiles, PLAINTEXT, type ClientTransport } from '@maas/grpc-kit';
import { RegistryClient } from '@maas/registry-client';

/** Default registry address (the registry's default port on this host). */
export const DEFAULT_REGISTRY_ADDRESS = '127.0.0.1:8101';

/** How the CLI reaches a service: its key and its TLS files. */
export interface ConnectionOptions {
  apiKey?: string;
  tls?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  tlsServerName?: string;
}

/** Adds --api-key, --tls, --ca, --cert, --key and --tls-server-name to a command (its subcommands inherit them). */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--api-key <key>', 'API key, sent as "authorization: Bearer <key>" (needed when the service has auth on)').env('MAAS_API_KEY'))
    .addOption(new Option('--tls', 'connect with TLS (implied by --ca, --cert or --key)').env('MAAS_TLS'))
    .addOption(new Option('--ca <file>', 'PEM CA the server\'s certificate must chain to (default: the system roots); make up TLS=1 writes .run/tls/ca.crt').env('MAAS_TLS_CA_FILE'))
    .addOption(new Option('--cert <file>', 'PEM client certificate for mutual TLS (.run/tls/client.crt)').env('MAAS_TLS_CERT_FILE'))
    .addOption(new Option('--key <file>', 'PEM private key of --cert (.run/tls/client.key)').env('MAAS_TLS_KEY_FILE'))
    .addOption(new Option('--tls-server-name <name>', 'name the server\'s certificate must carry when it is not the host you dial'));
}

/** The transport the options ask for: TLS when any TLS option is given, else plaintext. */
export function transportFrom(options: ConnectionOptions): ClientTransport {
  if (!options.tls && !options.ca && !options.cert && !options.key) return PLAINTEXT;
  return clientTransportFromFiles({
    ...(options.ca ? { caFile: options.ca } : {}),
    ...(options.cert ? { certFile: options.cert } : {}),
    ...(options.key ? { keyFile: options.key } : {}),
    ...(options.tlsServerName ? { serverName: options.tlsServerName } : {}),
  });
}

/** A registry client for one address with the command's key, actor and TLS options. */
export function registryFrom(address: string, actor: string, options: ConnectionOptions): RegistryClient {
  return new RegistryClient({ address, actor, transport: transportFrom(options), timeoutMs: 30_000, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
}
