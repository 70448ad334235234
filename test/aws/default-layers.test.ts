/**
 * The layers' defaults agree: a default EksInferenceCluster (EKS Auto Mode) with a default
 * accelerator pool, and a default cdk8s ModelDeployment deployed into it, synthesize. The cluster
 * names the platform its nodes are labelled for (`kubernetesPlatform`: Auto Mode nodes carry
 * `eks.amazonaws.com/*` labels, EKS user guide "create-node-pool", not the `karpenter.k8s.aws/*`
 * ones of self-managed Karpenter); a ModelDeployment without `platform` defaults to the same
 * EKS Auto Mode, and an explicit `platform` wins.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { App as K8sApp, Chart } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { EksInferenceCluster } from '../../constructs/aws/index.js';
import { ModelDeployment, type KubernetesPlatform } from '../../constructs/k8s/index.js';
import { modelPreset, planCapacity } from '../../lib/index.js';

function defaults(platform?: KubernetesPlatform) {
  const stack = new Stack(new App(), 'Defaults');
  const cluster = new EksInferenceCluster(stack, 'Cluster');
  cluster.addAcceleratorPool('Gpu', { accelerator: 'nvidia-gpu', instanceTypes: ['g6e.xlarge'] });
  const chart = new Chart(new K8sApp(), 'qwen', { namespace: 'inference' });
  new ModelDeployment(chart, 'Qwen', {
    plan: planCapacity({ model: modelPreset('qwen2-5-7b'), instanceType: 'g6e.xlarge' }),
    ...(platform === undefined ? {} : { platform }),
  });
  cluster.addInferenceWorkload('Qwen', chart);
  return { stack, cluster };
}

describe('default layers', () => {
  test('a default cluster plus a default workload synthesizes: no platform passed, both default to EKS Auto Mode (eks.amazonaws.com/* labels)', () => {
    const { stack, cluster } = defaults();
    expect(cluster.kubernetesPlatform).toBe('eks-auto-mode');
    const template = Template.fromStack(stack);
    const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
      .map((r) => JSON.stringify(r.Properties.Manifest));
    expect(manifests.some((m) => m.includes('eks.amazonaws.com/instance-family'))).toBe(true);
  });

  test('the same workload rendered for self-managed Karpenter is refused with the platform to use (KubernetesPlatformMismatch)', () => {
    expect(() => Template.fromStack(defaults('karpenter').stack)).toThrow(/KubernetesPlatformMismatch[\s\S]*platform: cluster\.kubernetesPlatform \("eks-auto-mode"\)/);
  });
});
