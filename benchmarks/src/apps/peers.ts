/**
 * The tools users would pick instead of loopscope, set up as their docs
 * say, each loaded only when its arm runs: prom-client's default metrics
 * (scraped over HTTP by the harness) and the OpenTelemetry runtime
 * instrumentation exporting OTLP/protobuf with the same SDK and exporter
 * versions the agent uses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** prom-client collectDefaultMetrics; returns the /metrics handler. */
export async function startPromClient(): Promise<MetricsHandler> {
  const client = await import('prom-client');
  client.collectDefaultMetrics();
  return (_req, res) => {
    client.register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': client.register.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  };
}

/**
 * An SDK MeterProvider exporting OTLP/protobuf with the SDK's own exporter
 * every `intervalMs` (cumulative: the exporter's default, as the agent's).
 */
async function protoMeterProvider(url: string, intervalMs: number, serviceName: string) {
  const { MeterProvider, PeriodicExportingMetricReader } =
    await import('@opentelemetry/sdk-metrics');
  const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-proto');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  return new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url }),
        exportIntervalMillis: intervalMs,
        exportTimeoutMillis: Math.min(intervalMs, 30_000),
      }),
    ],
  });
}

/** @opentelemetry/instrumentation-runtime-node on an SDK MeterProvider exporting every `intervalMs`. */
export async function startOtelRuntime(
  url: string,
  intervalMs: number,
  serviceName: string,
): Promise<void> {
  const { RuntimeNodeInstrumentation } =
    await import('@opentelemetry/instrumentation-runtime-node');
  new RuntimeNodeInstrumentation().setMeterProvider(
    await protoMeterProvider(url, intervalMs, serviceName),
  );
}

/**
 * The loopscope agent's samplers and watchdog on an SDK MeterProvider with
 * the SDK's own OTLP/protobuf exporter (what the agent used before its own
 * serializer): the export-path comparison of the cpu benchmark.
 */
export async function startLoopscopeSdkProto(
  url: string,
  intervalMs: number,
  serviceName: string,
): Promise<void> {
  const { registerLoopscopeMetrics, SCOPE_NAME } = await import('@loopscope/agent');
  const provider = await protoMeterProvider(url, intervalMs, serviceName);
  registerLoopscopeMetrics(provider.getMeter(SCOPE_NAME));
}
