// The RabbitMQ source end to end, as users run it: a real RabbitMQ (tests/support/rabbitmq_server), `sluice
// dev-kafka`, and `sluice standalone` loading build/plugins/rabbitmq as separate processes. Kafka is read
// back with kcat (-J), the worker is driven and observed through its REST API with curl.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/harness.hpp"
#include "tests/support/rabbitmq_server.hpp"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr std::size_t kMessages = 10000;
// Four partitions: librdkafka's mock cluster keeps only about 5 MB per partition, and 10,000 records with
// their ~20 headers each come close to that.
constexpr const char* kTopic = "rabbit";
constexpr std::uint64_t kBaseTimestamp = 1700000000;  // seconds

RabbitMqServer& broker() {
  static RabbitMqServer server;
  return server;
}

struct Http {
  int status = 0;
  std::string body;
};

Http http(const std::string& method, const std::string& url, const std::string& body = "") {
  std::vector<std::string> argv = {"curl", "-s", "-X", method, "-w", "\n%{http_code}", url};
  if (!body.empty()) argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary", body});
  const CommandResult result = run_command(argv, "", 60s);
  Http out;
  const auto newline = result.out.rfind('\n');
  if (!result.status.success() || newline == std::string::npos) return out;
  out.body = result.out.substr(0, newline);
  out.status = std::atoi(result.out.c_str() + newline + 1);
  return out;
}

// `sluice standalone` with a REST listener on a free port; connectors are created through REST.
class Worker {
 public:
  Worker(const TempDir& dir, const std::string& bootstrap) : port_(free_port()) {
    std::string props;
    props += "bootstrap.servers=" + bootstrap + "\n";
    props += "offset.storage.file.filename=" + (dir / "connect.offsets").string() + "\n";
    props += "key.converter=org.apache.kafka.connect.storage.StringConverter\n";
    props += "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n";
    props += "offset.flush.interval.ms=1000\n";
    props += "task.shutdown.graceful.timeout.ms=5000\n";
    props += "plugin.path=" + std::string(SLUICE_PLUGIN_DIR) + "\n";
    props += "listeners=http://127.0.0.1:" + std::to_string(port_) + "\n";
    const auto file = dir.write("worker-" + std::to_string(port_) + ".properties", props);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{sluice_executable().string(), "standalone", file.string()},
        ProcessOptions{.name = "sluice standalone"});
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  Process& process() { return *process_; }
  ::testing::AssertionResult wait_ready() {
    return wait_until([&] { return http("GET", url("/connectors")).status == 200 || !process_->running(); },
                      30s, "GET /connectors to answer 200")
           << "\nstderr:\n"
           << process_->stderr_text();
  }
  // The task's state from GET /connectors/<name>/status ("" when there is none yet).
  std::string task_state(const std::string& name) {
    const Http r = http("GET", url("/connectors/" + name + "/status"));
    if (r.status != 200) return "";
    const json status = json::parse(r.body, nullptr, false);
    if (!status.is_object() || status["tasks"].empty()) return "";
    return status["tasks"][0].value("state", "");
  }
  std::string task_trace(const std::string& name) {
    const Http r = http("GET", url("/connectors/" + name + "/status"));
    const json status = json::parse(r.body, nullptr, false);
    if (!status.is_object() || status["tasks"].empty()) return "";
    return status["tasks"][0].value("trace", "");
  }

 private:
  std::uint16_t port_;
  std::unique_ptr<Process> process_;
};

json connector_config(const std::string& queue, std::map<std::string, std::string> extra = {}) {
  json config = {{"connector.class", "io.confluent.connect.rabbitmq.RabbitMQSourceConnector"},
                 {"tasks.max", "1"},
                 {"kafka.topic", kTopic},
                 {"rabbitmq.queue", queue},
                 {"rabbitmq.host", "127.0.0.1"},
                 {"rabbitmq.port", std::to_string(broker().port())},
                 {"rabbitmq.network.recovery.interval.ms", "1000"},
                 {"message.key.source", "message.id"}};
  for (auto& [k, v] : extra) config[k] = v;
  return config;
}

Http create(Worker& worker, const std::string& name, const json& config) {
  return http("POST", worker.url("/connectors"), json{{"name", name}, {"config", config}}.dump());
}

// Every record of the topic, as kcat -J prints them.
std::vector<json> consume(const std::string& bootstrap) {
  const std::vector<std::string> argv = {"kcat", "-C",        "-b", bootstrap, "-t", kTopic,
                                         "-o",   "beginning", "-e", "-J",      "-q"};
  const CommandResult r = run_command(argv, "", 120s);
  std::vector<json> out;
  std::size_t start = 0;
  while (start < r.out.size()) {
    std::size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    if (end > start) {
      json j = json::parse(r.out.substr(start, end - start), nullptr, false);
      if (j.is_object()) out.push_back(std::move(j));
    }
    start = end + 1;
  }
  return out;
}

// The header's value as kcat prints it (null when absent).
json header(const json& record, const std::string& key) {
  const json& h = record["headers"];
  if (!h.is_array()) return nullptr;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    if (h[i] == key) return h[i + 1];
  return nullptr;
}

std::string message_id(std::size_t i) {
  return "id-" + std::to_string(i);
}

// A durable queue holding kMessages persistent messages with properties and headers.
std::string fill_queue(const std::string& name, std::size_t count = kMessages) {
  AmqpTestClient client(broker().port());
  client.declare_queue(name);
  client.purge_queue(name);
  std::vector<std::unique_ptr<amqp_table_entry_t[]>> keep;
  client.publish_many(
      name, count, [](std::size_t i) { return "body-" + std::to_string(i); },
      [&](std::size_t i) {
        AmqpProperties p;
        p.delivery_mode = 2;
        p.content_type = "text/plain";
        p.message_id = message_id(i);
        p.timestamp = kBaseTimestamp + i;
        auto entries = std::make_unique<amqp_table_entry_t[]>(2);
        entries[0].key = amqp_cstring_bytes("seq");
        entries[0].value.kind = AMQP_FIELD_KIND_I32;
        entries[0].value.value.i32 = static_cast<std::int32_t>(i);
        entries[1].key = amqp_cstring_bytes("source");
        entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[1].value.value.bytes = amqp_cstring_bytes("e2e");
        p.headers = amqp_table_t{2, entries.get()};
        keep.push_back(std::move(entries));
        if (keep.size() > 64) keep.erase(keep.begin());  // each table is used by publish before the next call
        return p;
      });
  return name;
}

std::uint32_t depth(const std::string& queue) {
  AmqpTestClient client(broker().port());
  return client.message_count(queue).value_or(0xFFFFFFFF);
}

// Counts per key of the records in Kafka.
std::map<std::string, int> count_by_key(const std::vector<json>& records) {
  std::map<std::string, int> out;
  for (const auto& r : records)
    if (r["key"].is_string()) ++out[r["key"].get<std::string>()];
  return out;
}

// "missing: id-5..id-9, id-20" for failure messages.
std::string missing_ids(const std::map<std::string, int>& counts) {
  std::string out = "missing:";
  std::size_t i = 0;
  while (i < kMessages) {
    if (counts.count(message_id(i))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < kMessages && !counts.count(message_id(j + 1))) ++j;
    out += " " + message_id(i) + (j > i ? ".." + message_id(j) : "");
    i = j + 1;
  }
  return out + "\n";
}

::testing::AssertionResult all_ids_present(const std::map<std::string, int>& counts) {
  std::size_t missing = 0;
  std::string first;
  for (std::size_t i = 0; i < kMessages; ++i) {
    if (!counts.count(message_id(i))) {
      if (missing++ == 0) first = message_id(i);
    }
  }
  if (missing == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << missing << " messages missing from Kafka, first " << first;
}

TEST(RabbitMqEndToEnd, TenThousandMessagesArriveExactlyOnceWithKeyHeadersAndTimestamp) {
  DevKafka kafka({.topics = {std::string(kTopic) + ":4"}});
  TempDir dir("rabbitmq-e2e");
  const std::string queue = fill_queue("e2e.clean");
  Worker worker(dir, kafka.bootstrap());
  ASSERT_TRUE(worker.wait_ready());
  const Http created = create(worker, "rabbit", connector_config(queue));
  ASSERT_EQ(created.status, 201) << created.body;

  std::vector<json> records;
  ASSERT_TRUE(wait_until([&] { return (records = consume(kafka.bootstrap())).size() >= kMessages; }, 180s,
                         "10000 records in Kafka"))
      << records.size() << " records; status " << http("GET", worker.url("/connectors/rabbit/status")).body
      << "\nstderr:\n"
      << worker.process().stderr_text();
  ASSERT_TRUE(wait_until([&] { return depth(queue) == 0; }, 30s, "the queue to be empty"));
  EXPECT_EQ(worker.task_state("rabbit"), "RUNNING");
  // A little later nothing more has arrived: exactly once.
  records = consume(kafka.bootstrap());
  EXPECT_EQ(records.size(), kMessages);
  const auto counts = count_by_key(records);
  EXPECT_TRUE(all_ids_present(counts));
  EXPECT_EQ(counts.size(), kMessages);
  for (const auto& r : records) {
    const std::string key = r["key"].get<std::string>();
    const std::size_t i = std::stoul(key.substr(3));
    ASSERT_EQ(r["payload"], "body-" + std::to_string(i)) << r.dump();
    ASSERT_EQ(r["ts"], (kBaseTimestamp + i) * 1000) << r.dump();
    ASSERT_EQ(header(r, "rabbitmq.message.id"), key) << r.dump();
    ASSERT_EQ(header(r, "rabbitmq.content.type"), "text/plain") << r.dump();
    ASSERT_EQ(header(r, "rabbitmq.delivery.mode"), "2") << r.dump();
    ASSERT_EQ(header(r, "rabbitmq.routing.key"), queue) << r.dump();
    ASSERT_EQ(header(r, "rabbitmq.redeliver"), "false") << r.dump();
    ASSERT_EQ(header(r, "rabbitmq.headers.seq"), std::to_string(i)) << r.dump();
    ASSERT_EQ(header(r, "rabbitmq.headers.source"), "e2e") << r.dump();
  }
  EXPECT_TRUE(worker.process().stop(SIGTERM, 30s).success()) << worker.process().stderr_text();
  EXPECT_EQ(depth(queue), 0u);  // everything was acknowledged, nothing comes back
}

TEST(RabbitMqEndToEnd, AWorkerKilledMidRunLosesNothingAndDuplicatesOnlyUnacknowledgedMessages) {
  DevKafka kafka({.topics = {std::string(kTopic) + ":4"}});
  TempDir dir("rabbitmq-e2e");
  const std::string queue = fill_queue("e2e.sigkill");
  const auto config = connector_config(queue, {{"rabbitmq.prefetch.count", "100"}});
  {
    Worker worker(dir, kafka.bootstrap());
    ASSERT_TRUE(worker.wait_ready());
    ASSERT_EQ(create(worker, "rabbit", config).status, 201);
    // Checking the queue is cheap, so the kill comes while most messages are still to go.
    ASSERT_TRUE(wait_until([&] { return depth(queue) <= kMessages - 3000; }, 120s, "3000 messages delivered"))
        << worker.process().stderr_text();
    const ExitStatus killed = worker.process().stop(SIGKILL, 10s);
    EXPECT_FALSE(killed.exited);
    EXPECT_EQ(killed.signal, SIGKILL);
  }
  const std::size_t before_restart = consume(kafka.bootstrap()).size();
  EXPECT_LT(before_restart, kMessages) << "the kill came too late to test anything";

  Worker again(dir, kafka.bootstrap());
  ASSERT_TRUE(again.wait_ready());
  ASSERT_EQ(create(again, "rabbit", config).status, 201);
  std::vector<json> records;
  ASSERT_TRUE(wait_until(
      [&] {
        records = consume(kafka.bootstrap());
        return count_by_key(records).size() >= kMessages && depth(queue) == 0;
      },
      180s, "every message in Kafka and an empty queue"))
      << records.size() << " records, " << count_by_key(records).size() << " distinct, queue depth "
      << depth(queue) << "\nstderr:\n"
      << again.process().stderr_text();
  const auto counts = count_by_key(records);
  EXPECT_TRUE(all_ids_present(counts));
  // A duplicate is a message the broker delivered again because it was not acknowledged when the worker died:
  // one of its copies carries rabbitmq.redeliver=true, and there are at most prefetch (100) of them.
  std::map<std::string, bool> redelivered;
  for (const auto& r : records)
    if (header(r, "rabbitmq.redeliver") == "true") redelivered[r["key"].get<std::string>()] = true;
  std::size_t duplicates = 0;
  for (const auto& [key, n] : counts) {
    if (n > 1) {
      duplicates += static_cast<std::size_t>(n - 1);
      EXPECT_TRUE(redelivered.count(key))
          << key << " is in Kafka " << n << " times but was never redelivered";
    }
    EXPECT_LE(n, 2) << key;
  }
  EXPECT_LE(duplicates, 100u);
  EXPECT_EQ(records.size(), kMessages + duplicates);
  EXPECT_EQ(again.task_state("rabbit"), "RUNNING");
  EXPECT_TRUE(again.process().stop(SIGTERM, 30s).success());
  EXPECT_EQ(depth(queue), 0u);
}

TEST(RabbitMqEndToEnd, ARabbitMqRestartKeepsTheTaskRunningAndLosesNothing) {
  DevKafka kafka({.topics = {std::string(kTopic) + ":4"}});
  TempDir dir("rabbitmq-e2e");
  const std::string queue = fill_queue("e2e.restart");
  Worker worker(dir, kafka.bootstrap());
  ASSERT_TRUE(worker.wait_ready());
  ASSERT_EQ(create(worker, "rabbit", connector_config(queue, {{"rabbitmq.prefetch.count", "500"}})).status,
            201);
  ASSERT_TRUE(wait_until([&] { return consume(kafka.bootstrap()).size() >= 2000; }, 120s, "2000 records"))
      << worker.process().stderr_text();

  broker().stop();
  ASSERT_TRUE(wait_until(
      [&] {
        return worker.process().stderr_text().find("Lost the connection to RabbitMQ") != std::string::npos;
      },
      30s, "the lost-connection warning"))
      << worker.process().stderr_text();
  EXPECT_EQ(worker.task_state("rabbit"), "RUNNING");
  broker().start();

  std::vector<json> records;
  ASSERT_TRUE(wait_until(
      [&] {
        EXPECT_EQ(worker.task_state("rabbit"), "RUNNING");
        records = consume(kafka.bootstrap());
        return count_by_key(records).size() >= kMessages && depth(queue) == 0;
      },
      180s, "every message in Kafka after the restart"))
      << records.size() << " records, " << count_by_key(records).size() << " distinct, queue depth "
      << depth(queue) << "\n"
      << missing_ids(count_by_key(records))
      << broker().ctl({"list_queues", "name", "messages_ready", "messages_unacknowledged", "consumers"})
      << broker().ctl({"list_consumers"}) << "\nstderr:\n"
      << worker.process().stderr_text();
  EXPECT_TRUE(all_ids_present(count_by_key(records)));
  // The task may have drained the queue before the broker went down; it reconnects all the same (with backoff).
  EXPECT_TRUE(wait_until(
      [&] { return worker.process().stderr_text().find("Reconnected to RabbitMQ at") != std::string::npos; }, 60s,
      "the reconnection log line"));
  EXPECT_EQ(worker.task_state("rabbit"), "RUNNING");
  EXPECT_TRUE(worker.process().stop(SIGTERM, 30s).success());
  EXPECT_EQ(depth(queue), 0u);
}

TEST(RabbitMqEndToEnd, BadInputIsReportedByValidateOrAsAFailedTaskNeverAHang) {
  DevKafka kafka;
  TempDir dir("rabbitmq-e2e");
  Worker worker(dir, kafka.bootstrap());
  ASSERT_TRUE(worker.wait_ready());
  const std::string validate_url = worker.url("/connector-plugins/RabbitMQSourceConnector/config/validate");
  auto errors_of = [](const json& infos, const std::string& key) {
    for (const auto& c : infos["configs"])
      if (c["value"]["name"] == key) return c["value"]["errors"];
    return json();
  };

  // A wrong port type and a missing kafka.topic, against their fields. As in Kafka, the port's range
  // validator also sees the (unparseable, hence null) value.
  json bad_types = connector_config("q");
  bad_types["name"] = "bad-types";
  bad_types.erase("kafka.topic");
  bad_types["rabbitmq.port"] = "abc";
  Http r = http("PUT", validate_url, bad_types.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json infos = json::parse(r.body);
  EXPECT_EQ(infos["error_count"], 3) << r.body;
  EXPECT_EQ(errors_of(infos, "rabbitmq.port"),
            json::array({"Invalid value abc for configuration rabbitmq.port: Not a number of type INT",
                         "Invalid value null for configuration rabbitmq.port: Value must be non-null"}));
  EXPECT_EQ(errors_of(infos, "kafka.topic"),
            json::array({"Missing required configuration \"kafka.topic\" which has no default value."}));

  const std::string where =
      "RabbitMQ at amqp://127.0.0.1:" + std::to_string(broker().port()) + ", virtual host '/'";
  // A missing queue.
  json missing = connector_config("e2e.missing");
  missing["name"] = "missing";
  r = http("PUT", validate_url, missing.dump());
  infos = json::parse(r.body);
  EXPECT_EQ(infos["error_count"], 1) << r.body;
  EXPECT_EQ(
      errors_of(infos, "rabbitmq.queue"),
      json::array(
          {"Queue 'e2e.missing' does not exist on " + where +
           ": NOT_FOUND - no queue 'e2e.missing' in vhost '/' (reply code 404); create the queue or fix "
           "rabbitmq.queue"}));

  // Wrong credentials: creating the connector is refused with the reason.
  fill_queue("e2e.bad", 1);
  const std::string login_error =
      where +
      " refused the login of user 'guest': ACCESS_REFUSED - Login was refused using authentication mechanism "
      "PLAIN. For details see the broker logfile. (reply code 403); check rabbitmq.username and "
      "rabbitmq.password";
  r = create(worker, "bad-credentials", connector_config("e2e.bad", {{"rabbitmq.password", "wrong"}}));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(json::parse(r.body).value("message", "").find(login_error), std::string::npos) << r.body;

  // An unreachable host: refused at once, not after a hang.
  const std::uint16_t closed = free_port();
  const auto before = std::chrono::steady_clock::now();
  r = create(worker, "unreachable", connector_config("e2e.bad", {{"rabbitmq.port", std::to_string(closed)}}));
  EXPECT_LT(std::chrono::steady_clock::now() - before, 20s);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(json::parse(r.body)
                .value("message", "")
                .find("Could not connect to RabbitMQ at amqp://127.0.0.1:" + std::to_string(closed) +
                      ", virtual host '/': Connection refused; check "
                      "rabbitmq.host and rabbitmq.port"),
            std::string::npos)
      << r.body;

  // A queue deleted under a running connector: the task turns FAILED with the reason as its trace.
  ASSERT_EQ(create(worker, "deleted-queue", connector_config("e2e.bad")).status, 201);
  ASSERT_TRUE(wait_until([&] { return worker.task_state("deleted-queue") == "RUNNING"; }, 30s, "RUNNING"));
  {
    AmqpTestClient client(broker().port());
    client.delete_queue("e2e.bad");
  }
  ASSERT_TRUE(wait_until([&] { return worker.task_state("deleted-queue") == "FAILED"; }, 60s, "FAILED"))
      << http("GET", worker.url("/connectors/deleted-queue/status")).body;
  EXPECT_NE(worker.task_trace("deleted-queue").find("Queue 'e2e.bad' does not exist on " + where),
            std::string::npos)
      << worker.task_trace("deleted-queue");
  EXPECT_TRUE(worker.process().stop(SIGTERM, 30s).success());
}

}  // namespace
}  // namespace sluice::test
