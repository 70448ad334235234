// Consumer app 1's own jest test (the template's runner: jest + @swc/jest), against the packed library.
import * as cdk from 'aws-cdk-lib/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MyAppStack } from '../lib/my-app-stack';

describe('MyAppStack', () => {
  const app = new cdk.App();
  const template = Template.fromStack(new MyAppStack(app, 'MyTestStack'));

  test('serves the model on a SageMaker endpoint on Inferentia2', () => {
    template.resourceCountIs('AWS::SageMaker::Endpoint', 1);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.inf2.8xlarge' })],
    });
  });

  test('creates one EKS cluster with the managed-Prometheus token path', () => {
    template.resourceCountIs('AWS::EKS::Cluster', 1);
    template.resourceCountIs('AWS::APS::Workspace', 1);
  });

  test('deploys the workload with its token scaler into the cluster', () => {
    const manifests = JSON.stringify(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(manifests).toContain('ScaledObject');
    expect(manifests).toContain('aws.amazon.com/neuron');
  });
});
