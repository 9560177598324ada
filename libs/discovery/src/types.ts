/** One healthy instance of a service as discovery sees it. */
export interface ServiceInstance {
  /** Consul service id, unique per instance. */
  id: string;
  /** host:port for gRPC. */
  address: string;
  tags: readonly string[];
  meta: Readonly<Record<string, string>>;
}

/** Something that knows the current healthy instances of one service and says when they change. */
export interface InstanceProvider {
  /** The service name, e.g. maas-registry. */
  readonly service: string;
  /** The latest known healthy instances (the last good view while discovery is unreachable). */
  instances(): readonly ServiceInstance[];
  /** Calls fn with the new list whenever it changes. Returns a function that removes the listener. */
  onChange(fn: (instances: readonly ServiceInstance[]) => void): () => void;
  /** Resolves once the first view has been fetched (or right away for static providers). */
  ready(timeoutMs?: number): Promise<void>;
  close(): void;
}
