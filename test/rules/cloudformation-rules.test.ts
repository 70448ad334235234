/**
 * Every CloudFormation rule of the pack rejects a bad template and accepts a good one, and the
 * Kubernetes rules run over the manifests inside EKS custom resources. Sources are named in the
 * test titles and in each rule's file under lib/rules/.
 */
import { describe, expect, test } from 'vitest';
import { InferenceRulePack } from '../../lib/rules/rule-pack.js';
import { deployment, scaledObject } from './fixtures.js';

function ids(template: unknown): string[] {
  return InferenceRulePack.checkTemplate(template, { stackName: 'S' }).findings.map((f) => f.ruleId);
}

function ampTemplate(mode: string, withEntry: boolean): any {
  return {
    Resources: {
      Cluster: { Type: 'AWS::EKS::Cluster', Properties: { AccessConfig: { AuthenticationMode: mode } } },
      Scraper: { Type: 'AWS::APS::Scraper', Properties: { Source: { EksConfiguration: { ClusterArn: { 'Fn::GetAtt': ['Cluster', 'Arn'] } } }, ScrapeConfiguration: { ConfigurationBlob: { 'Fn::Base64': 'global:\n  scrape_interval: 30s\n' } } } },
      ...(withEntry
        ? { Entry: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: { Ref: 'Cluster' }, PrincipalArn: { 'Fn::Join': ['', [{ 'Fn::Select': [0, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Scraper', 'RoleArn'] }] }] }]] } } } }
        : {}),
    },
  };
}

function sagemakerTemplate(env: Record<string, string>, timeout: number, image: unknown = { 'Fn::Join': ['', ['763104351884.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/djl-inference:0.30.0-neuronx-sdk2.20.1']] }): any {
  return {
    Resources: {
      Model: { Type: 'AWS::SageMaker::Model', Properties: { PrimaryContainer: { Image: image, Environment: env } } },
      Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ ModelName: { 'Fn::GetAtt': ['Model', 'ModelName'] }, ContainerStartupHealthCheckTimeoutInSeconds: timeout }] } },
    },
  };
}

describe('CloudFormation rules', () => {
  test('IC-AWS-001 rejects an access entry for the AMP scraper role on an API cluster (AMP user guide, AMP-collector-eks-setup)', () => {
    expect(ids(ampTemplate('API', true))).toEqual(['IC-AWS-001']);
    expect(ids(ampTemplate('API_AND_CONFIG_MAP', true))).toEqual(['IC-AWS-001']);
    expect(ids(ampTemplate('CONFIG_MAP', true))).toEqual([]);
    expect(ids(ampTemplate('API', false))).toEqual([]);
  });

  test('IC-AWS-002 rejects a DJL loading timeout that disagrees with the startup health check (djl-serving PyEnv.java, LMI configurations guide)', () => {
    expect(ids(sagemakerTemplate({}, 1980))).toEqual(['IC-AWS-002']); // image default 1200 s
    expect(ids(sagemakerTemplate({ OPTION_MODEL_LOADING_TIMEOUT: '2400' }, 1980))).toEqual(['IC-AWS-002']);
    expect(ids(sagemakerTemplate({ OPTION_MODEL_LOADING_TIMEOUT: '1980' }, 1980))).toEqual([]);
    expect(ids(sagemakerTemplate({}, 1200))).toEqual([]);
  });

  test('IC-AWS-002 reads inference components too', () => {
    const t = sagemakerTemplate({}, 600);
    delete t.Resources.Config;
    t.Resources.Component = { Type: 'AWS::SageMaker::InferenceComponent', Properties: { Specification: { ModelName: { 'Fn::GetAtt': ['Model', 'ModelName'] }, StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 1980 } } } };
    expect(ids(t)).toEqual(['IC-AWS-002']);
  });

  test('IC-AWS-003 rejects a latest or untagged model image (ECR image pulls)', () => {
    expect(ids(sagemakerTemplate({ OPTION_MODEL_LOADING_TIMEOUT: '1980' }, 1980, '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:latest'))).toEqual(['IC-AWS-003']);
    expect(ids(sagemakerTemplate({ OPTION_MODEL_LOADING_TIMEOUT: '1980' }, 1980, '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference'))).toEqual(['IC-AWS-003']);
  });

  test('resource Metadata acknowledges a finding with a reason', () => {
    const t = sagemakerTemplate({}, 1980);
    t.Resources.Model.Metadata = { 'inference-constructs': { acknowledge: [{ id: 'IC-AWS-002', reason: 'the image is rebuilt with MODEL_LOADING_TIMEOUT=1980' }] } };
    const r = InferenceRulePack.checkTemplate(t);
    expect(r.findings).toEqual([]);
    expect(r.acknowledged.map((a) => a.finding.ruleId)).toEqual(['IC-AWS-002']);
  });

  test('Kubernetes rules run over the manifests of EKS custom resources, with tokens inside Fn::Join', () => {
    const manifest = JSON.stringify([deployment({ spec: { replicas: 1 } }), scaledObject({ metadata: { serverAddress: '@@TOKEN@@' } })]);
    const [before, after] = manifest.split('@@TOKEN@@');
    const t = { Resources: { Workload: { Type: 'Custom::AWSCDK-EKS-KubernetesResource', Properties: { Manifest: { 'Fn::Join': ['', [before, { 'Fn::GetAtt': ['Workspace', 'PrometheusEndpoint'] }, after]] } } } } };
    const [f] = InferenceRulePack.checkTemplate(t, { stackName: 'Eks' }).findings;
    expect(f).toMatchObject({ ruleId: 'IC-K8S-005', location: { stack: 'Eks', logicalId: 'Workload', kind: 'Deployment', name: 'llm', path: 'spec.replicas' } });
  });

  test("the AMP scraper's interval applies to annotation-scraped pods of the same stack (IC-K8S-008)", () => {
    const d = deployment();
    d.spec.template.metadata.annotations = { 'prometheus.io/scrape': 'true' };
    const t = ampTemplate('API', false);
    t.Resources.Scraper.Properties.ScrapeConfiguration.ConfigurationBlob['Fn::Base64'] = 'global:\n  scrape_interval: 60s\n';
    t.Resources.Workload = { Type: 'Custom::AWSCDK-EKS-KubernetesResource', Properties: { Manifest: JSON.stringify([d, scaledObject()]) } };
    expect(ids(t)).toEqual(['IC-K8S-008']);
    t.Resources.Scraper.Properties.ScrapeConfiguration.ConfigurationBlob['Fn::Base64'] = 'global:\n  scrape_interval: 30s\n';
    expect(ids(t)).toEqual([]);
  });

  test('managed node groups count as pools for IC-K8S-012: MaxSize x devices per node (g6e.12xlarge: 4 GPUs)', () => {
    const d = deployment({ container: { resources: { limits: { 'nvidia.com/gpu': 4 } } }, podSpec: { nodeSelector: { 'inference-constructs.io/accelerator-class': 'nvidia-gpu' } } });
    const t = (maxSize: number) => ({
      Resources: {
        Gpu: { Type: 'AWS::EKS::Nodegroup', Properties: { InstanceTypes: ['g6e.12xlarge'], Labels: { 'inference-constructs.io/accelerator-class': 'nvidia-gpu' }, Taints: [{ Key: 'nvidia.com/gpu', Effect: 'NO_SCHEDULE' }], ScalingConfig: { MinSize: 1, MaxSize: maxSize, DesiredSize: 1 } } },
        Workload: { Type: 'Custom::AWSCDK-EKS-KubernetesResource', Properties: { Manifest: JSON.stringify([d, scaledObject({ spec: { maxReplicaCount: 2 } })]) } },
      },
    });
    expect(ids(t(2))).toEqual(['IC-K8S-012']); // (2 + 1 surge) x 4 = 12 > 8
    expect(ids(t(3))).toEqual([]);
  });

  test('a template without Resources is refused', () => {
    expect(() => InferenceRulePack.checkTemplate({})).toThrow(/\[TemplateInvalid\] template/);
  });
});
