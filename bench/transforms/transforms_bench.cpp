// The per-record cost of a task's conversion and transformation path, single-threaded, with allocations
// counted. It runs core/worker's SinkRecordProcessor / SourceRecordProcessor (what WorkerSinkTask and
// WorkerSourceTask call for every record) with the built-in JsonConverter and SMTs from the plugin catalog:
//
//   sink_json_3_transforms_json   consumed JSON bytes (schemas.enable=true) -> JsonConverter ->
//   InsertField$Value
//                                 -> ReplaceField$Value -> MaskField$Value -> JsonConverter -> bytes
//   sink_json_no_transforms_json  the same without the chain (the converters' share)
//   source_3_transforms_json      a polled Struct record -> the same 3 SMTs -> JsonConverter -> bytes
//   sink_json_3_transforms_predicated  the chain with each step guarded by a TopicNameMatches predicate
//   part_*                        the pieces alone: JSON read, record copy, the 3 SMTs (on a copy), JSON
//   write
//
// Counters: items_per_second = records/s on one core; allocs_per_record = operator new calls per record
// (global replacement below); bytes_per_second = input JSON bytes/s.
//
//   build/bench/transforms_bench --benchmark_min_time=2

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "core/convert/builtins.hpp"
#include "core/transforms/builtins.hpp"
#include "core/worker/record_processor.hpp"
#include "core/worker/worker_config.hpp"
#include "plugins/host/registry.hpp"

// GCC takes std::free in the replaced operator delete for a mismatch with the (inlined) std::allocator's
// operator new; both are ours and both use malloc/free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {

std::atomic<std::uint64_t> g_allocations{0};

}  // namespace

// Counting global allocator: every operator new of the process goes through these.
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace sluice::worker {
namespace {

using namespace std::chrono_literals;

// A 200-byte payload (the "payload" object) in Kafka's JsonConverter envelope.
const std::string kSchema =
    R"({"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},)"
    R"({"type":"string","optional":false,"field":"customer"},{"type":"string","optional":true,"field":"email"},)"
    R"({"type":"double","optional":false,"field":"amount"},{"type":"string","optional":true,"field":"note"}],)"
    R"("optional":false,"name":"shop.Order"})";
const std::string kPayload =
    R"({"id":1234567890,"customer":"Jane Q. Customer","email":"jane.customer@example.com","amount":1234.5,)"
    R"("note":"leave the parcel at the back door and ring twice; fragile: contains glassware, keep upright"})";
const std::string kMessage = R"({"schema":)" + kSchema + R"(,"payload":)" + kPayload + "}";

StringMap chain_config(bool predicated) {
  StringMap c = {{"transforms", "insert,rename,mask"},
                 {"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
                 {"transforms.insert.topic.field", "topic"},
                 {"transforms.insert.static.field", "source"},
                 {"transforms.insert.static.value", "bench"},
                 {"transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
                 {"transforms.rename.renames", "customer:customer_name"},
                 {"transforms.rename.exclude", "note"},
                 {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
                 {"transforms.mask.fields", "email"}};
  if (predicated) {
    for (const char* alias : {"insert", "rename", "mask"})
      c[std::string("transforms.") + alias + ".predicate"] = "isOrders";
    c["predicates"] = "isOrders";
    c["predicates.isOrders.type"] = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches";
    c["predicates.isOrders.pattern"] = "orders.*";
  }
  return c;
}

// Everything a task would own for its records: catalog, converters, chain, error handling, processors.
struct Pipeline {
  explicit Pipeline(StringMap connector) {
    for (auto& p : convert::builtin_converters()) registry.register_builtin(std::move(p));
    for (auto& p : transforms::builtin_transformations()) registry.register_builtin(std::move(p));
    const WorkerConfig worker({{"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
                               {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                               {"offset.storage.file.filename", "/tmp/sluice-bench.offsets"}},
                              WorkerMode::Standalone);
    converters = make_converters(registry, worker, connector);
    config::RawConfig raw;
    for (const auto& [k, v] : connector) raw.emplace(k, v);
    chain = transforms::build_transformation_chain(raw, registry);
    errors = std::make_unique<RetryWithToleranceOperator>(
        ConnectorTaskId{"bench", 0}, 0ms, 60000ms, ErrorTolerance::None,
        [](std::chrono::milliseconds) { return true; }, true);
    sink = std::make_unique<SinkRecordProcessor>(converters, chain, *errors);
    source = std::make_unique<SourceRecordProcessor>(converters, chain, *errors);
  }

  host::PluginRegistry registry;
  Converters converters;
  transforms::TransformationChain chain;
  std::unique_ptr<RetryWithToleranceOperator> errors;
  std::unique_ptr<SinkRecordProcessor> sink;
  std::unique_ptr<SourceRecordProcessor> source;
};

kafka::Message consumed() {
  kafka::Message m;
  m.topic = "orders";
  m.partition = 3;
  m.offset = 42;
  m.value = kMessage;
  m.timestamp = 1700000000000;
  m.timestamp_type = kafka::TimestampType::CreateTime;
  return m;
}

void finish(benchmark::State& state, std::uint64_t allocations_before) {
  const auto records = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kMessage.size()));
  state.counters["allocs_per_record"] =
      benchmark::Counter(static_cast<double>(g_allocations.load() - allocations_before) / records);
  state.counters["message_bytes"] = benchmark::Counter(static_cast<double>(kMessage.size()));
  state.counters["payload_bytes"] = benchmark::Counter(static_cast<double>(kPayload.size()));
}

void sink_path(benchmark::State& state, bool with_chain, bool predicated) {
  Pipeline pipeline(with_chain ? chain_config(predicated) : StringMap{});
  const kafka::Message message = consumed();
  // Sanity: one run through everything, so a broken pipeline fails loudly instead of measuring errors.
  {
    auto record = pipeline.sink->process(message);
    if (!record) state.SkipWithError("the record was dropped");
  }
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    std::optional<data::SinkRecord> record = pipeline.sink->process(message);
    std::optional<std::string> out = pipeline.converters.value->from_connect(
        record->topic, &record->headers, record->value_schema, record->value);
    benchmark::DoNotOptimize(out);
  }
  finish(state, before);
}

void BM_sink_json_3_transforms_json(benchmark::State& state) {
  sink_path(state, true, false);
}
void BM_sink_json_no_transforms_json(benchmark::State& state) {
  sink_path(state, false, false);
}
void BM_sink_json_3_transforms_predicated(benchmark::State& state) {
  sink_path(state, true, true);
}

void BM_source_3_transforms_json(benchmark::State& state) {
  Pipeline pipeline(chain_config(false));
  // The polled record is what the JsonConverter reads from kMessage.
  const data::SchemaAndValue parsed = pipeline.converters.value->to_connect("orders", nullptr, kMessage);
  data::SourceRecord record;
  record.topic = "orders";
  record.value_schema = parsed.schema;
  record.value = parsed.value;
  record.timestamp = 1700000000000;
  record.source_partition = data::Value::map({{data::Value::string("file"), data::Value::string("/orders")}});
  record.source_offset = data::Value::map({{data::Value::string("position"), data::Value::int64(42)}});
  if (!pipeline.source->process(record)) state.SkipWithError("the record was dropped");
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    std::optional<kafka::OutgoingRecord> out = pipeline.source->process(record);
    benchmark::DoNotOptimize(out);
  }
  finish(state, before);
}

// The parts, to see where the time goes.
void BM_part_json_to_connect(benchmark::State& state) {
  Pipeline pipeline({});
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    data::SchemaAndValue parsed = pipeline.converters.value->to_connect("orders", nullptr, kMessage);
    benchmark::DoNotOptimize(parsed);
  }
  finish(state, before);
}

void BM_part_3_transforms(benchmark::State& state) {
  Pipeline pipeline(chain_config(false));
  Pipeline plain({});
  const std::optional<data::SinkRecord> record = plain.sink->process(consumed());
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    data::SinkRecord copy = *record;
    const bool kept = apply_transformations(pipeline.chain, *pipeline.errors, copy);
    benchmark::DoNotOptimize(kept);
    benchmark::DoNotOptimize(copy);
  }
  finish(state, before);
}

void BM_part_record_copy(benchmark::State& state) {
  Pipeline plain({});
  const std::optional<data::SinkRecord> record = plain.sink->process(consumed());
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    data::SinkRecord copy = *record;
    benchmark::DoNotOptimize(copy);
  }
  finish(state, before);
}

void BM_part_json_from_connect(benchmark::State& state) {
  Pipeline pipeline(chain_config(false));
  const std::optional<data::SinkRecord> record = pipeline.sink->process(consumed());
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    std::optional<std::string> out =
        pipeline.converters.value->from_connect("orders", nullptr, record->value_schema, record->value);
    benchmark::DoNotOptimize(out);
  }
  finish(state, before);
}

BENCHMARK(BM_sink_json_3_transforms_json);
BENCHMARK(BM_sink_json_no_transforms_json);
BENCHMARK(BM_sink_json_3_transforms_predicated);
BENCHMARK(BM_source_3_transforms_json);
BENCHMARK(BM_part_json_to_connect);
BENCHMARK(BM_part_record_copy);
BENCHMARK(BM_part_3_transforms);
BENCHMARK(BM_part_json_from_connect);

}  // namespace
}  // namespace sluice::worker

BENCHMARK_MAIN();
