import * as grpc from '@grpc/grpc-js';
import { Balancer, type InstanceProvider } from '@maas/discovery';
import { InvalidArgumentError, fromServiceError, isServiceError } from '@maas/errors';
import { callUnary, createClient, deadlineIn, type ClientTransport } from '@maas/grpc-kit';
import {
  loadGrpcObject,
  PREPROCESS_PROTO_FILES,
  type DescribePipelineResponse__Output,
  type PostprocessResponse__Output,
  type PreprocessDroppedItem__Output,
  type PreprocessorClient,
  type PreprocessProtoGrpcType,
  type PreprocessResponse__Output,
  type PreprocessTensor__Output,
  type RegistryModelVersion,
} from '@maas/protos';
import type { Logger } from '@maas/logging';
import { traceHeaders, tracingEnabled } from '@maas/tracing';
import { Pipeline, validatePipelineSpec, type DroppedItem } from '@maas/pipeline';
import type { WireTensor } from '@maas/queue';
import { decodeBytesElements, decodeRaw, toRawTensor, type Tensor } from '@maas/tensor';
import type { InferContext, PipelineRunner, PipelineState } from './infer';
import { LocalPostCache } from './local-post-cache';
import type { RegistryClient } from '@maas/registry-client';

const toWire = (t: PreprocessTensor__Output): WireTensor => ({ name: t.name, datatype: t.datatype, shape: t.shape.map(Number), data: t.raw_contents });
const fromWire = (t: WireTensor) => ({ name: t.name, datatype: t.datatype, shape: t.shape, raw_contents: t.data });
const wireToTensor = (t: WireTensor): Tensor => ({ name: t.name, datatype: t.datatype as Tensor['datatype'], shape: t.shape, data: decodeRaw(t.name, t.datatype, t.shape, t.data) });

/** Where the gateway runs postprocessing: in process (label lists and dictionaries fetched once) or on maas-preprocess. */
export interface LocalPostOptions {
  registry: RegistryClient;
  logger: Logger;
}

/** What a pipelined version looks like to clients: its raw input and final outputs. */
export interface PipelineShape {
  inputKind: string;
  inputs: Array<{ name: string; datatype: string; shape: number[] }>;
  outputs: Array<{ name: string; datatype: string; shape: number[] }>;
}

/**
 * Pre/post-processing through the maas-preprocess service (found via discovery). Raw inputs are one BYTES
 * tensor with one element per item (an encoded image, a UTF-8 text, or a JSON object per row); the answer
 * tensors come from the pipeline's post steps.
 */
export class PreprocessPipeline implements PipelineRunner {
  private readonly balancer: Balancer<PreprocessorClient>;
  private readonly shapes = new Map<string, Promise<PipelineShape>>();
  private readonly posts: LocalPostCache<Pipeline>;

  /**
   * With `localPost`, postprocessing (softmax, top-k with labels, CTC decode: cheap, and small tensors) runs
   * in the gateway with the version's post steps and side files, saving a gRPC round trip per request;
   * preprocessing (image decode, tokenizers: heavy) always runs on maas-preprocess. While the post steps
   * are not loaded here (first load over 2 s, or failed: retried after 30 s and logged once per failure),
   * requests use the service's Postprocess instead.
   */
  constructor(provider: InstanceProvider, transport: ClientTransport, private readonly timeoutMs = 10_000, private readonly localPost?: LocalPostOptions) {
    this.posts = new LocalPostCache<Pipeline>({
      onFailure: (key, err) => localPost?.logger.warn({ pipeline: key.split('|', 2).join(' v'), err: err.message }, 'postprocessing cannot run in the gateway (retrying in 30 s); using maas-preprocess meanwhile'),
    });
    const { grpcObject } = loadGrpcObject<PreprocessProtoGrpcType>(PREPROCESS_PROTO_FILES);
    const Ctor = grpcObject.maas.preprocess.v1.Preprocessor;
    this.balancer = new Balancer(provider, (address) => createClient(Ctor, address, { transport, service: 'maas-preprocess' }));
  }

  private async call<Res>(method: 'Preprocess' | 'Postprocess' | 'DescribePipeline', request: object, deadlineUnixMs: number): Promise<Res> {
    // A preprocess instance that is starting (or not yet discovered) is worth a short wait, within the deadline.
    const client = await this.balancer.pickWhenAvailable(Math.min(2000, deadlineUnixMs - Date.now()));
    const fn = (client[method] as unknown as (...args: unknown[]) => grpc.ClientUnaryCall).bind(client);
    try {
      const metadata = new grpc.Metadata();
      if (tracingEnabled()) for (const [k, v] of Object.entries(traceHeaders())) metadata.set(k, v);
      return await callUnary<object, Res>(fn, request, { deadline: new Date(Math.min(deadlineUnixMs, deadlineIn(this.timeoutMs).getTime())) }, metadata);
    } catch (err) {
      throw isServiceError(err) ? fromServiceError(err) : err;
    }
  }

  /** The pipeline's raw inputs and final outputs (cached per version: versions are immutable, configs change via events). */
  describe(version: RegistryModelVersion): Promise<PipelineShape> {
    const key = `${version.model}|${version.version}|${version.config?.pipeline_json ?? ''}`;
    let shape = this.shapes.get(key);
    if (!shape) {
      shape = this.call<DescribePipelineResponse__Output>('DescribePipeline', { pipeline: { model: version.model, version: version.version } }, Date.now() + this.timeoutMs).then((d) => ({
        inputKind: d.input_kind,
        inputs: d.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape.map(Number) })),
        outputs: d.outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape.map(Number) })),
      }));
      shape.catch(() => this.shapes.delete(key));
      this.shapes.set(key, shape);
    }
    return shape;
  }

  async pre(version: RegistryModelVersion, inputs: readonly WireTensor[], ctx: InferContext): Promise<{ tensors: WireTensor[]; state: PipelineState }> {
    const shape = await this.describe(version);
    const expected = shape.inputs[0];
    const raw = inputs.find((t) => t.name === expected?.name);
    if (!expected || !raw || inputs.length !== 1 || raw.datatype !== 'BYTES' || raw.shape.length !== 1) {
      throw new InvalidArgumentError(
        `model "${version.model}" version ${version.version} takes raw ${shape.inputKind} input: expected exactly one input "${expected?.name ?? '?'}" BYTES [N] (one element per item), got ${inputs.map((t) => `"${t.name}" ${t.datatype}[${t.shape.join(',')}]`).join(', ') || 'none'}`,
      );
    }
    const elements = decodeBytesElements(raw.name, raw.data, raw.shape[0] ?? 0);
    const items = elements.map((e) =>
      shape.inputKind === 'image' ? { image: e } : shape.inputKind === 'row' ? { row_json: e.toString('utf8') } : { text: e.toString('utf8') },
    );
    const res = await this.call<PreprocessResponse__Output>('Preprocess', { pipeline: { model: version.model, version: version.version }, items }, ctx.deadlineUnixMs);
    if (res.kept_items.length === 0) {
      throw new InvalidArgumentError(`every item was refused by the pipeline: ${res.dropped.map((d) => `item ${d.item}: ${d.message}`).join('; ')}`);
    }
    return { tensors: res.tensors.map(toWire), state: { itemCount: items.length, keptItems: res.kept_items, dropped: res.dropped } };
  }

  /** The version's post steps with the side files they name, read from the registry (once per version and spec). */
  private static async loadPost(version: RegistryModelVersion, registry: RegistryClient): Promise<Pipeline> {
    const spec = validatePipelineSpec(version.config?.pipeline_json ?? '');
    const names = Pipeline.postFiles(spec);
    const files = new Map(await Promise.all(names.map(async (name) => [name, await registry.downloadFile(version.model, version.version, name)] as const)));
    return Pipeline.loadPostOnly(spec, files);
  }

  async post(version: RegistryModelVersion, outputs: readonly WireTensor[], state: PipelineState, ctx: InferContext): Promise<WireTensor[]> {
    if (this.localPost) {
      const { registry } = this.localPost;
      const key = `${version.model}|${version.version}|${version.config?.pipeline_json ?? ''}`;
      // Not ready within the wait (first load slow, or failed recently): this request goes the remote way.
      const pipeline = await this.posts.get(key, () => PreprocessPipeline.loadPost(version, registry), ctx.deadlineUnixMs - Date.now() - 100);
      if (pipeline) {
        const dropped = state.dropped as PreprocessDroppedItem__Output[];
        const droppedItems = dropped.map((d): DroppedItem => ({ item: d.item, field: d.field, reason: d.reason as DroppedItem['reason'], message: d.message }));
        const { tensors } = await pipeline.answer(outputs.map(wireToTensor), state.keptItems, state.itemCount, droppedItems);
        return tensors.map(toRawTensor);
      }
    }
    const res = await this.call<PostprocessResponse__Output>(
      'Postprocess',
      { pipeline: { model: version.model, version: version.version }, outputs: outputs.map(fromWire), item_count: state.itemCount, kept_items: state.keptItems, dropped: state.dropped as PreprocessDroppedItem__Output[] },
      ctx.deadlineUnixMs,
    );
    return res.tensors.length > 0 ? res.tensors.map(toWire) : [...outputs];
  }

  close(): void {
    this.balancer.close();
  }
}
