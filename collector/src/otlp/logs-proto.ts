/**
 * OTLP logs messages (opentelemetry-proto v1 field numbers) on top of the
 * collector's shared common/resource definitions. Only the fields the
 * collector reads are declared: protobufjs skips the others.
 */
import { buildRoot, COMMON_PROTO, RESOURCE_PROTO } from './proto.js';

const LOGS_PROTO = `
syntax = "proto3";
package opentelemetry.proto.logs.v1;
message ResourceLogs {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ScopeLogs {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  opentelemetry.proto.common.v1.AnyValue body = 5;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 6;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
`;

const LOGS_SERVICE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.collector.logs.v1;
message ExportLogsServiceRequest {
  repeated opentelemetry.proto.logs.v1.ResourceLogs resource_logs = 1;
}
`;

export const ExportLogsServiceRequest = buildRoot(
  COMMON_PROTO,
  RESOURCE_PROTO,
  LOGS_PROTO,
  LOGS_SERVICE_PROTO,
).lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
