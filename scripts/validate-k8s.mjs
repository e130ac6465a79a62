#!/usr/bin/env node
// Validates every manifest in k8s/ against the Kubernetes OpenAPI schemas (kubernetes-models
// ships the upstream JSON schemas and validates with them), then checks the wiring a schema
// cannot see: probes on the health endpoints, the right entry point, autoscaling and routing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parseAllDocuments } from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const models = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
const problems = [];
const docs = [];
for (const file of readdirSync(join(root, 'k8s'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  for (const [i, doc] of parseAllDocuments(
    readFileSync(join(root, 'k8s', file), 'utf8'),
  ).entries()) {
    const where = `k8s/${file}#${i}`;
    if (doc.errors.length > 0) {
      problems.push(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const object = doc.toJS();
    const Model = models[`${object.apiVersion}/${object.kind}`];
    if (!Model) {
      problems.push(`${where}: no schema known for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${where} (${object.kind} ${object.metadata?.name}): ${error.message}`);
    }
    docs.push(object);
  }
}

const ofKind = (kind) => docs.filter((d) => d.kind === kind);
const deployments = ofKind('Deployment');
const names = deployments
  .map((d) => d.metadata.name)
  .sort()
  .join(',');
if (names !== 'gateway,ingest,projector,relay,worker') problems.push(`deployments are ${names}`);
for (const d of deployments) {
  const c = d.spec.template.spec.containers[0];
  if (c.livenessProbe?.httpGet?.path !== '/health/live')
    problems.push(`${d.metadata.name}: liveness probe`);
  if (c.readinessProbe?.httpGet?.path !== '/health/ready')
    problems.push(`${d.metadata.name}: readiness probe`);
  if (c.command?.join(' ') !== `node dist/apps/${d.metadata.name}/src/main.js`)
    problems.push(`${d.metadata.name}: command`);
}
const scaled = ofKind('HorizontalPodAutoscaler')
  .map((h) => h.spec.scaleTargetRef.name)
  .sort()
  .join(',');
if (scaled !== 'gateway,worker') problems.push(`HPAs scale ${scaled}`);
if (ofKind('PodDisruptionBudget').length === 0) problems.push('no PodDisruptionBudget');
const routes = ofKind('Ingress').flatMap((ing) =>
  ing.spec.rules.flatMap((r) =>
    r.http.paths.map((p) => `${r.host}${p.path}→${p.backend.service.name}`),
  ),
);
for (const expected of [
  'ingest.cvf.example.com/→ingest',
  'api.cvf.example.com/webhooks→ingest',
  'api.cvf.example.com/→gateway',
]) {
  if (!routes.includes(expected)) problems.push(`ingress lacks ${expected}`);
}

if (problems.length > 0) {
  console.error(`k8s manifests: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`k8s manifests: ${docs.length} objects valid against the Kubernetes schemas`);
