/**
 * Pinned versions of everything the EKS inference cluster installs: Kubernetes, and the Helm
 * charts for KEDA, the accelerator device plugins and the in-cluster Prometheus.
 *
 * Every chart is installed from its upstream repository at an exact version by the
 * aws-eks-v2 Helm custom resource at deploy time; nothing is downloaded at synth time.
 * Bump a version here (and only here) after reading the chart's release notes; the snapshot
 * tests show the change in the synthesized template.
 */

/** A Helm chart pinned to one exact version, with where it comes from. */
export interface PinnedHelmChart {
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Helm repository URL (`https://...`) or OCI reference (`oci://...`). */
  readonly repository: string;
  /** Exact chart version (never a range, never `latest`). */
  readonly version: string;
  /** Release name the chart is installed under. */
  readonly release: string;
  /** Namespace the release is installed into. */
  readonly namespace: string;
  /** Where the version was read (release page or chart source). */
  readonly source: string;
}

/**
 * KEDA, the event-driven autoscaler that reads token throughput from Prometheus.
 * Chart 2.18.2 ships KEDA 2.18.2, whose Prometheus scaler signs Amazon Managed Service for
 * Prometheus queries with SigV4 when `awsRegion` is set.
 *
 * @see https://github.com/kedacore/charts/pull/795 (chart release 2.18.2)
 * @see https://keda.sh/docs/latest/scalers/prometheus/
 */
export const KEDA_CHART: PinnedHelmChart = {
  chart: 'keda',
  repository: 'https://kedacore.github.io/charts',
  version: '2.18.2',
  release: 'keda',
  namespace: 'keda',
  source: 'https://github.com/kedacore/charts/pull/795',
};

/**
 * The service account the KEDA chart gives its operator (`serviceAccount.operator.name`),
 * which is the identity that queries Prometheus when a trigger sets `identityOwner: operator`.
 *
 * @see https://github.com/kedacore/charts/blob/main/keda/values.yaml
 */
export const KEDA_OPERATOR_SERVICE_ACCOUNT = 'keda-operator';

/**
 * NVIDIA device plugin: advertises `nvidia.com/gpu` on managed node group GPU nodes.
 * (EKS Auto Mode installs its own GPU plugin.)
 *
 * @see https://github.com/NVIDIA/k8s-device-plugin/releases/tag/v0.18.0
 * @see https://nvidia.github.io/k8s-device-plugin (Helm repository)
 * @see https://github.com/NVIDIA/k8s-device-plugin/blob/main/deployments/helm/nvidia-device-plugin/values.yaml
 *   (default node affinity: NFD labels or `nvidia.com/gpu.present=true`, which the GPU node groups carry)
 */
export const NVIDIA_DEVICE_PLUGIN_CHART: PinnedHelmChart = {
  chart: 'nvidia-device-plugin',
  repository: 'https://nvidia.github.io/k8s-device-plugin',
  version: '0.18.0',
  release: 'nvidia-device-plugin',
  namespace: 'kube-system',
  source: 'https://github.com/NVIDIA/k8s-device-plugin/releases/tag/v0.18.0',
};

/**
 * AWS Neuron Helm chart: the Neuron device plugin that advertises `aws.amazon.com/neuron` on
 * managed node group Inferentia2 nodes. (EKS Auto Mode installs its own Neuron plugin; the
 * chart's own node affinity skips Auto Mode nodes.)
 *
 * @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/containers/kubernetes-getting-started.html
 *   (`helm upgrade --install neuron-helm-chart oci://public.ecr.aws/neuron/neuron-helm-chart --set npd.enabled=false`)
 * @see https://github.com/aws-neuron/neuron-helm-charts/blob/main/charts/neuron-helm-chart/values.yaml
 * Version 1.5.0 is the one EKS workshop scripts for vLLM on Inferentia2 install (`--version 1.5.0`).
 */
export const NEURON_HELM_CHART: PinnedHelmChart = {
  chart: 'neuron-helm-chart',
  repository: 'oci://public.ecr.aws/neuron/neuron-helm-chart',
  version: '1.5.0',
  release: 'neuron-helm-chart',
  namespace: 'kube-system',
  source: 'https://github.com/aws-neuron/neuron-helm-charts',
};

/**
 * Prometheus community chart, for the in-cluster metrics backend. Its default
 * `kubernetes-pods` job follows the same `prometheus.io/*` pod annotations as the managed
 * scraper this library configures. Kept on the 27.x line: 28.0.0 changed `scrape_configs`
 * into a map.
 *
 * @see https://github.com/prometheus-community/helm-charts/releases/tag/prometheus-27.52.0
 */
export const PROMETHEUS_CHART: PinnedHelmChart = {
  chart: 'prometheus',
  repository: 'https://prometheus-community.github.io/helm-charts',
  version: '27.52.0',
  release: 'prometheus',
  namespace: 'monitoring',
  source: 'https://github.com/prometheus-community/helm-charts/releases/tag/prometheus-27.52.0',
};

/**
 * External Secrets Operator: syncs a Secrets Manager secret into a Kubernetes Secret (the
 * Hugging Face token the model servers read), so the value is never in the template and no one
 * runs `kubectl create secret` inside the private cluster. Chart 2.0.0 serves the
 * `external-secrets.io/v1` API and installs its CRDs (`installCRDs: true`). With no `auth` in the
 * store, the AWS provider "inherits the credentials from the runtime environment using the aws sdk
 * default credential chain", which picks up the controller's EKS Pod Identity credentials.
 *
 * @see https://github.com/external-secrets/external-secrets/blob/0060da0b62ef6725f88171a6a16c52ff6dd941ae/deploy/charts/external-secrets/Chart.yaml (version 2.0.0)
 * @see https://external-secrets.io/latest/provider/aws-access/ (Controller's Pod Identity)
 */
export const EXTERNAL_SECRETS_CHART: PinnedHelmChart = {
  chart: 'external-secrets',
  repository: 'https://charts.external-secrets.io',
  version: '2.0.0',
  release: 'external-secrets',
  namespace: 'external-secrets',
  source: 'https://github.com/external-secrets/external-secrets/blob/0060da0b62ef6725f88171a6a16c52ff6dd941ae/deploy/charts/external-secrets/Chart.yaml',
};

/**
 * The service account the External Secrets chart gives its controller (set explicitly through
 * `serviceAccount.name`), the identity that reads Secrets Manager.
 *
 * @see https://github.com/external-secrets/external-secrets/blob/main/deploy/charts/external-secrets/values.yaml
 */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = 'external-secrets';

/**
 * Every chart the EKS inference cluster may install, for reviews and the README table.
 */
export const PINNED_HELM_CHARTS: readonly PinnedHelmChart[] = [
  KEDA_CHART,
  NVIDIA_DEVICE_PLUGIN_CHART,
  NEURON_HELM_CHART,
  PROMETHEUS_CHART,
  EXTERNAL_SECRETS_CHART,
];
