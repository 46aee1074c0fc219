/**
 * The OpenTelemetry resource every export carries: who is sending. The
 * collector derives `job` from service.name and `instance` from
 * service.instance.id, so both are always present.
 */
import { hostname } from 'node:os';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ResolvedOptions } from './options.js';

export function buildResource(options: ResolvedOptions): Resource {
  return defaultResource().merge(
    resourceFromAttributes({
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'host.name': hostname(),
      ...options.resourceAttributes,
      'service.name': options.serviceName,
      'service.instance.id': options.serviceInstanceId,
    }),
  );
}
