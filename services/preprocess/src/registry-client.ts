import type * as grpc from '@grpc/grpc-js';
import { Balancer, type InstanceProvider } from '@maas/discovery';
import { fromServiceError, isServiceError } from '@maas/errors';
import { callUnary, createClient, deadlineIn } from '@maas/grpc-kit';
import {
  downloadRegistryFile,
  loadGrpcObject,
  REGISTRY_PROTO_FILES,
  type ModelRegistryClient,
  type RegistryModelVersion,
  type RegistryProtoGrpcType,
  type RegistryWatchEvent,
} from '@maas/protos';

function mapError(err: unknown): unknown {
  return isServiceError(err) ? fromServiceError(err) : err;
}

/** The registry calls preprocess makes (version config, side files, change feed) over healthy registry instances. */
export class PipelineRegistryClient {
  private readonly balancer: Balancer<ModelRegistryClient>;

  constructor(
    provider: InstanceProvider,
    private readonly timeoutMs: number,
  ) {
    const { grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(REGISTRY_PROTO_FILES);
    const Ctor = grpcObject.maas.registry.v1.ModelRegistry;
    this.balancer = new Balancer(provider, (address) => createClient(Ctor, address));
  }

  /** A model version with its config (pipeline_json) and file list. NOT_FOUND passes through. */
  async getVersion(model: string, version: number): Promise<RegistryModelVersion> {
    const client = this.balancer.pick();
    try {
      return await callUnary<object, RegistryModelVersion>(client.GetVersion.bind(client), { model, version }, { deadline: deadlineIn(this.timeoutMs) });
    } catch (err) {
      throw mapError(err);
    }
  }

  /** Downloads one side file of a bundle whole (side files are small: vocabularies, label lists). */
  async downloadFile(model: string, version: number, file: string): Promise<Buffer> {
    try {
      return await downloadRegistryFile(this.balancer.pick(), model, version, file, deadlineIn(this.timeoutMs));
    } catch (err) {
      throw mapError(err);
    }
  }

  /** Opens the change feed (every model) on one registry instance. */
  watch(): grpc.ClientReadableStream<RegistryWatchEvent> {
    return this.balancer.pick().Watch({ resume_token: '', models: [] });
  }

  close(): void {
    this.balancer.close();
  }
}
