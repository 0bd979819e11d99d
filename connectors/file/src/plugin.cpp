// The "file" plugin: Kafka's FileStream connectors under their Java class names and aliases.

#include "file_sink.hpp"
#include "file_source.hpp"
#include "sluice/sdk/plugin.hpp"

SLUICE_PLUGIN(
    "file", "1.0.0",
    sluice::sdk::source_connector<sluice::file::FileStreamSourceConnector,
                                  sluice::file::FileStreamSourceTask>(
        "org.apache.kafka.connect.file.FileStreamSourceConnector",
        {"FileStreamSource", "FileStreamSourceConnector"},
        {.documentation = "Reads lines from a file (or standard input) into a Kafka topic."}),
    sluice::sdk::sink_connector<sluice::file::FileStreamSinkConnector, sluice::file::FileStreamSinkTask>(
        "org.apache.kafka.connect.file.FileStreamSinkConnector",
        {"FileStreamSink", "FileStreamSinkConnector"},
        {.documentation = "Writes record values, one line each, to a file (or standard output)."}))
