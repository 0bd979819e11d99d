#pragma once
// The trace of a FAILED connector or task, shaped like the first lines of a Java stack trace so tools and
// people reading Kafka Connect statuses find what they expect:
//
//   org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler
//   	at sluice.worker.WorkerSinkTask.convert(my-sink-0)
//   Caused by: org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed ...
//
// The first line is the error's Java class (ConnectError::java_class) and message; the "at" line says which
// stage failed for which connector or task; each nested cause (std::throw_with_nested) adds a "Caused by"
// line.

#include <exception>
#include <string>
#include <string_view>

namespace sluice::worker {

// `where`: e.g. "sluice.worker.WorkerSourceTask.poll(my-source-0)".
std::string failure_trace(const std::exception& error, std::string_view where);
// The Java class name shown for an exception.
std::string java_class_of(const std::exception& error);

}  // namespace sluice::worker
