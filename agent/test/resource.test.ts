import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { resolveOptions } from '../src/options.js';
import { buildResource } from '../src/resource.js';

test('the resource names the service, the instance, the process and the host', () => {
  const options = resolveOptions(
    {},
    {
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=shop,host.name=override',
    },
  );
  const attrs = buildResource(options).attributes;
  assert.equal(attrs['service.name'], 'checkout');
  assert.equal(attrs['service.namespace'], 'shop');
  assert.equal(attrs['service.instance.id'], options.serviceInstanceId);
  assert.equal(attrs['process.pid'], process.pid);
  assert.equal(attrs['process.runtime.name'], 'nodejs');
  assert.equal(attrs['process.runtime.version'], process.versions.node);
  // User attributes win over detected ones.
  assert.equal(attrs['host.name'], 'override');
  assert.equal(attrs['telemetry.sdk.language'], 'nodejs');
});

test('host.name is detected', () => {
  assert.equal(buildResource(resolveOptions({}, {})).attributes['host.name'], hostname());
});
