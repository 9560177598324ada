export { scalerService, SCALER_SERVICE_NAME } from './service';
export { scalerSettings } from './config';
export { compilePoolPolicy, parsePolicyDocument, parseScalerDocument, loadPolicyFile, loadScalerDocument, POLICY_DEFAULTS, type PoolPolicy, type ScalerDocument, type SignalPool } from './policy';
export {
  decide,
  recommendReplicas,
  initialDecisionState,
  type Decision,
  type DecisionState,
  type PoolSignals,
  type Recommendation,
  type ScaleDirection,
} from './decision';
export { ThroughputTracker, type ThroughputSample, type ThroughputEstimate } from './throughput';
export { QueueSignalReader, jobsStreamPattern, type PoolQueueSample } from './queue-signals';
export { KubeScaleClient, DeploymentNotFoundError, type KubeOptions, type DeploymentScale, type ScaleEvent } from './kube-scale';
export { LeaderElection, type LeaderElectionOptions } from './leader-election';
export { ScalerLoop, type ScalerLoopOptions, type ScaleTarget, type QueueSignalSource } from './scaler-loop';
export { scalerMetrics, countDecision, type ScalerMetrics, type ScalerErrorStage } from './metrics';
export { BacklogEndpoint, readPoolBacklog, type PoolBacklog, type BacklogEndpointOptions } from './backlog-endpoint';
