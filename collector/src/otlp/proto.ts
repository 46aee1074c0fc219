/**
 * The OTLP messages the collector decodes, as .proto text parsed by
 * protobufjs at load time (no generated code to keep in sync). Field numbers
 * follow opentelemetry-proto v1. Messages whose points the collector rejects
 * (exponential histograms, summaries) are declared with their `data_points`
 * only: protobufjs skips the fields a message does not declare, so their
 * points can be counted without decoding them.
 *
 * Written as edition 2023, where every singular field has explicit
 * presence, and with oneofs (`AnyValue.value`, `Metric.data`,
 * `NumberDataPoint.value`) and proto3 `optional` fields declared as plain
 * fields: the wire format is the same, protobufjs sets exactly the fields
 * present on the wire, zeros included (the decoder tests presence with
 * Object.hasOwn), and it skips its oneof setter, which deletes properties
 * and took ~11% of decode time. Strings are not UTF-8-verified (another
 * ~10%): invalid sequences decode to U+FFFD, harmless in labels.
 */
import protobuf from 'protobufjs';

/** common/v1 and resource/v1: shared by every signal (metrics, logs). */
export const COMMON_PROTO = `
edition = "2023";
option features.utf8_validation = NONE;
package opentelemetry.proto.common.v1;
message AnyValue {
  string string_value = 1;
  bool bool_value = 2;
  int64 int_value = 3;
  double double_value = 4;
  ArrayValue array_value = 5;
  KeyValueList kvlist_value = 6;
  bytes bytes_value = 7;
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

export const RESOURCE_PROTO = `
edition = "2023";
option features.utf8_validation = NONE;
package opentelemetry.proto.resource.v1;
message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

const METRICS_PROTO = `
edition = "2023";
option features.utf8_validation = NONE;
package opentelemetry.proto.metrics.v1;
message ResourceMetrics {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
}
message ScopeMetrics {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
  string schema_url = 3;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  Gauge gauge = 5;
  Sum sum = 7;
  Histogram histogram = 9;
  ExponentialHistogram exponential_histogram = 10;
  Summary summary = 11;
}
enum AggregationTemporality {
  AGGREGATION_TEMPORALITY_UNSPECIFIED = 0;
  AGGREGATION_TEMPORALITY_DELTA = 1;
  AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
  bool is_monotonic = 3;
}
message Histogram {
  repeated HistogramDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
}
message ExponentialHistogram { repeated UndecodedDataPoint data_points = 1; }
message Summary { repeated UndecodedDataPoint data_points = 1; }
message UndecodedDataPoint {}
message NumberDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  double as_double = 4;
  sfixed64 as_int = 6;
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  uint32 flags = 10;
  double min = 11;
  double max = 12;
}
`;

const METRICS_SERVICE_PROTO = `
edition = "2023";
option features.utf8_validation = NONE;
package opentelemetry.proto.collector.metrics.v1;
message ExportMetricsServiceRequest {
  repeated opentelemetry.proto.metrics.v1.ResourceMetrics resource_metrics = 1;
}
`;

/**
 * Export responses of every signal share one wire shape: field 1 is a
 * partial-success message of (int64 rejected = 1, string error_message = 2).
 * Only the JSON field names differ, so one message encodes them all.
 */
const RESPONSE_PROTO = `
edition = "2023";
option features.utf8_validation = NONE;
package loopscope.otlp;
message ExportPartialSuccess { int64 rejected = 1; string error_message = 2; }
message ExportServiceResponse { ExportPartialSuccess partial_success = 1; }
message Any { string type_url = 1; bytes value = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
`;

/** Parse .proto texts into one root; other signals (logs) add their own text. */
export function buildRoot(...texts: string[]): protobuf.Root {
  const root = new protobuf.Root();
  for (const text of texts) protobuf.parse(text, root);
  root.resolveAll();
  return root;
}

const root = buildRoot(
  COMMON_PROTO,
  RESOURCE_PROTO,
  METRICS_PROTO,
  METRICS_SERVICE_PROTO,
  RESPONSE_PROTO,
);

export const ExportMetricsServiceRequest = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);
export const ExportServiceResponse = root.lookupType('loopscope.otlp.ExportServiceResponse');
export const RpcStatus = root.lookupType('loopscope.otlp.Status');
