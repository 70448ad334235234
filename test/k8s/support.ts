/**
 * Helpers for the cdk8s construct tests: find synthesized objects by kind, assert strict
 * validity.
 */
import { expect } from 'vitest';
import { formatManifestIssues, validateManifests } from '../support/k8s-validate.js';

/** A synthesized Kubernetes object. */
export type Manifest = Record<string, any>;

/** The single object of a kind (and name, when given); fails when there is not exactly one. */
export function one(objects: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  expect(found.map((o) => `${o.kind}/${o.metadata?.name}`)).toHaveLength(1);
  return found[0]!;
}

/** Every object of a kind. */
export function all(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** Asserts the strict validator (core and CRD schemas, unknown fields rejected) reports nothing. */
export function expectValid(objects: readonly Manifest[]): void {
  const issues = validateManifests(objects);
  expect(formatManifestIssues(issues)).toBe(formatManifestIssues([]));
  expect(issues).toEqual([]);
}
