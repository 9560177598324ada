import * as grpc from '@grpc/grpc-js';
import { Balancer, type InstanceProvider } from '@maas/discovery';
import { fromServiceError, isServiceError } from '@maas/errors';
import { callUnary, createClient, deadlineIn, DEFAULT_RETRY_POLICY, withRetries } from '@maas/grpc-kit';
import {
  downloadRegistryFile,
  loadGrpcObject,
  REGISTRY_PROTO_FILES,
  type ModelRegistryClient,
  type RegistryModel,
  type RegistryModelVersion,
  type RegistryProtoGrpcType,
  type RegistryResolveResponse,
} from '@maas/protos';

/** The registry calls the gateway makes, over a balanced set of healthy registry instances. */
export class RegistryClient {
  readonly balancer: Balancer<ModelRegistryClient>;

  constructor(provider: InstanceProvider, private readonly timeoutMs = 5000) {
    const { grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(REGISTRY_PROTO_FILES);
    const Ctor = grpcObject.maas.registry.v1.ModelRegistry;
    this.balancer = new Balancer(provider, (address) => createClient(Ctor, address));
  }

  /** Runs `fn` on a registry instance (waiting up to 2 s for one to be discovered); gRPC errors come out as named errors. */
  private async onRegistry<T>(fn: (client: ModelRegistryClient) => Promise<T>): Promise<T> {
    const client = await this.balancer.pickWhenAvailable(2000);
    try {
      return await fn(client);
    } catch (err) {
      throw isServiceError(err) ? fromServiceError(err) : err;
    }
  }

  /**
   * One registry read under one deadline. Reads are idempotent, so a retryable status (an instance going away,
   * none discovered yet) is retried with jittered backoff on a fresh pick, as grpc-kit's withRetries does for
   * every client.
   */
  private call<Req, Res>(method: keyof ModelRegistryClient & string, request: Req): Promise<Res> {
    const deadline = deadlineIn(this.timeoutMs);
    const attempt = (): Promise<Res> =>
      this.onRegistry((client) => {
        const fn = (client[method] as unknown as (...args: unknown[]) => grpc.ClientUnaryCall).bind(client);
        return callUnary<Req, Res>(fn, request, { deadline });
      });
    return withRetries(attempt, DEFAULT_RETRY_POLICY, { deadlineUnixMs: deadline.getTime() });
  }

  /** Resolves a model name with an optional explicit version or alias. */
  resolve(model: string, version: number, alias: string): Promise<RegistryResolveResponse> {
    return this.call('Resolve', { model, version, alias });
  }

  getModel(name: string): Promise<RegistryModel> {
    return this.call('GetModel', { name });
  }

  getVersion(model: string, version: number): Promise<RegistryModelVersion> {
    return this.call('GetVersion', { model, version });
  }

  async listModels(): Promise<RegistryModel[]> {
    const res = await this.call<object, { models: RegistryModel[] }>('ListModels', {});
    return res.models;
  }

  /** Downloads one side file of a model version's bundle whole (label lists, CTC dictionaries: small). */
  downloadFile(model: string, version: number, file: string): Promise<Buffer> {
    return this.onRegistry((client) => downloadRegistryFile(client, model, version, file, deadlineIn(this.timeoutMs)));
  }

  /** Opens the change feed on one registry instance. */
  watch(resumeToken: string): grpc.ClientReadableStream<unknown> {
    return this.balancer.pick().Watch({ resume_token: resumeToken, models: [] });
  }

  close(): void {
    this.balancer.close();
  }
}
