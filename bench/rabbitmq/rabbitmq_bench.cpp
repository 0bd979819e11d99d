// RabbitMQ source throughput: how fast sluice moves a pre-filled queue into Kafka, next to draining the same
// queue with amqp-consume (rabbitmq-c's own command-line consumer) and with a bare rabbitmq-c consumer loop,
// in the same run, on the same private broker.
//
//   build/bench/rabbitmq_bench [--messages N] [--size BYTES] [--prefetch P] [--sluice-only 1]
//
// Each contender starts from a queue holding N messages of BYTES bytes (default 200000 x 100):
//   amqp-consume   `amqp-consume -u URL -q Q -c N -p P cat` (it pipes every message to a command, acks each)
//   rabbitmq-c     one consumer, prefetch P, basic.ack(multiple) every P/2 messages: the client library's
//   ceiling sluice         `sluice standalone` + `sluice dev-kafka`, connector created over REST; the clock
//   stops when the
//                  topic's high watermark reaches N (every record in Kafka) and the queue is empty (all
//                  acked).
// Prints messages/s for each and the ratio sluice / amqp-consume (target: >= 0.7).

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/harness.hpp"
#include "tests/support/rabbitmq_server.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using sluice::test::AmqpTestClient;

struct Options {
  std::size_t messages = 200000;
  std::size_t size = 100;
  int prefetch = 1000;
  bool sluice_only = false;  // --sluice-only 1: skip the two references (for profiling)
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const long value = std::strtol(argv[i + 1], nullptr, 10);
    if (value <= 0) throw std::runtime_error("bad value for " + flag);
    if (flag == "--messages") {
      o.messages = static_cast<std::size_t>(value);
    } else if (flag == "--size") {
      o.size = static_cast<std::size_t>(value);
    } else if (flag == "--prefetch") {
      o.prefetch = static_cast<int>(value);
    } else if (flag == "--sluice-only") {
      o.sluice_only = true;
    } else {
      throw std::runtime_error("unknown option " + flag +
                               " (use --messages, --size, --prefetch, --sluice-only 1)");
    }
  }
  return o;
}

void fill(std::uint16_t port, const std::string& queue, const Options& o) {
  AmqpTestClient client(port);
  client.declare_queue(queue);
  client.purge_queue(queue);
  const std::string payload(o.size, 'x');
  client.publish_many(queue, o.messages, [&](std::size_t i) {
    std::string body = payload;
    const std::string id = std::to_string(i);
    body.replace(0, std::min(id.size(), body.size()), id.substr(0, body.size()));
    return body;
  });
  const auto depth = client.message_count(queue).value_or(0);
  if (depth != o.messages)
    throw std::runtime_error("the queue holds " + std::to_string(depth) + " messages, expected " +
                             std::to_string(o.messages));
}

std::uint32_t depth(std::uint16_t port, const std::string& queue) {
  AmqpTestClient client(port);
  return client.message_count(queue).value_or(0);
}

double rate(std::size_t n, Clock::duration d) {
  return static_cast<double>(n) / std::chrono::duration<double>(d).count();
}

// amqp-consume pipes each message into `cat` (its only mode) and acknowledges it.
double run_amqp_consume(const sluice::test::RabbitMqServer& broker, const std::string& queue,
                        const Options& o) {
  const std::vector<std::string> argv = {"amqp-consume",
                                         "-u",
                                         broker.url(),
                                         "-q",
                                         queue,
                                         "-c",
                                         std::to_string(o.messages),
                                         "-p",
                                         std::to_string(o.prefetch),
                                         "cat"};
  const auto start = Clock::now();
  const sluice::test::CommandResult r = sluice::test::run_command(argv, "", 3600s);
  const auto took = Clock::now() - start;
  if (!r.status.success()) throw std::runtime_error(r.describe(argv));
  if (depth(broker.port(), queue) != 0) throw std::runtime_error("amqp-consume left messages in the queue");
  return rate(o.messages, took);
}

// The same work with rabbitmq-c directly: consume with manual acks, one multiple-ack per half window.
double run_rabbitmq_c(const sluice::test::RabbitMqServer& broker, const std::string& queue,
                      const Options& o) {
  AmqpTestClient client(broker.port());
  amqp_connection_state_t conn = client.raw();
  const amqp_channel_t channel = 7;
  amqp_channel_open(conn, channel);
  amqp_basic_qos(conn, channel, 0, static_cast<std::uint16_t>(o.prefetch), 0);
  amqp_basic_consume(conn, channel, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, 0, 0,
                     amqp_empty_table);
  if (amqp_get_rpc_reply(conn).reply_type != AMQP_RESPONSE_NORMAL)
    throw std::runtime_error("basic.consume failed");
  const std::size_t ack_every = static_cast<std::size_t>(std::max(1, o.prefetch / 2));
  const auto start = Clock::now();
  std::size_t received = 0;
  std::uint64_t last_tag = 0;
  while (received < o.messages) {
    amqp_envelope_t envelope;
    timeval timeout{30, 0};
    const amqp_rpc_reply_t reply = amqp_consume_message(conn, &envelope, &timeout, 0);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) throw std::runtime_error("rabbitmq-c consume failed");
    last_tag = envelope.delivery_tag;
    amqp_destroy_envelope(&envelope);
    amqp_maybe_release_buffers(conn);
    if (++received % ack_every == 0) amqp_basic_ack(conn, channel, last_tag, 1);
  }
  amqp_basic_ack(conn, channel, last_tag, 1);
  const auto took = Clock::now() - start;
  amqp_channel_close(conn, channel, AMQP_REPLY_SUCCESS);
  return rate(o.messages, took);
}

std::int64_t high_watermark(rd_kafka_t* rk, const std::string& topic) {
  std::int64_t low = 0, high = 0;
  if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), 0, &low, &high, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return -1;
  return high;
}

int curl_status(const std::vector<std::string>& argv) {
  const sluice::test::CommandResult r = sluice::test::run_command(argv, "", 60s);
  const auto nl = r.out.rfind('\n');
  return nl == std::string::npos ? 0 : std::atoi(r.out.c_str() + nl + 1);
}

double run_sluice(const sluice::test::RabbitMqServer& broker, const std::string& queue, const Options& o) {
  sluice::test::DevKafka kafka({.topics = {"rabbit-bench:1"}});
  sluice::test::TempDir dir("rabbitmq-bench");
  const std::uint16_t rest = sluice::test::free_port();
  const auto props = dir.write("worker.properties",
                               "bootstrap.servers=" + kafka.bootstrap() + "\n" +
                                   "offset.storage.file.filename=" + (dir / "offsets").string() + "\n" +
                                   "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n"
                                   "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n"
                                   "offset.flush.interval.ms=10000\n"
                                   "plugin.path=" SLUICE_PLUGIN_DIR
                                   "\n"
                                   "listeners=http://127.0.0.1:" +
                                   std::to_string(rest) + "\n");
  sluice::test::Process worker({sluice::test::sluice_executable().string(), "standalone", props.string()},
                               {.name = "sluice standalone"});
  const std::string base = "http://127.0.0.1:" + std::to_string(rest);
  if (!sluice::test::poll_until(
          [&] {
            return curl_status({"curl", "-s", "-w", "\n%{http_code}", base + "/connectors"}) == 200;
          },
          30s))
    throw std::runtime_error("sluice standalone did not start: " + worker.stderr_text());

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", kafka.bootstrap().c_str(), errstr, sizeof errstr);
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr), &rd_kafka_destroy);
  if (!rk) throw std::runtime_error(std::string("rd_kafka_new: ") + errstr);

  const nlohmann::json request = {
      {"name", "rabbit-bench"},
      {"config",
       {{"connector.class", "io.confluent.connect.rabbitmq.RabbitMQSourceConnector"},
        {"tasks.max", "1"},
        {"kafka.topic", "rabbit-bench"},
        {"rabbitmq.queue", queue},
        {"rabbitmq.host", "127.0.0.1"},
        {"rabbitmq.port", std::to_string(broker.port())},
        {"rabbitmq.prefetch.count", std::to_string(o.prefetch)}}}};
  const auto start = Clock::now();
  const int created =
      curl_status({"curl", "-s", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json",
                   "--data-binary", request.dump(), base + "/connectors"});
  if (created != 201) throw std::runtime_error("POST /connectors answered " + std::to_string(created));
  const bool done = sluice::test::poll_until(
      [&] { return high_watermark(rk.get(), "rabbit-bench") >= static_cast<std::int64_t>(o.messages); },
      3600s);
  const auto in_kafka = Clock::now() - start;
  if (!done) throw std::runtime_error("not every record reached Kafka: " + worker.stderr_text());
  // Every message acknowledged as well (the acks trail Kafka's by milliseconds).
  sluice::test::poll_until([&] { return depth(broker.port(), queue) == 0; }, 60s);
  const auto took = Clock::now() - start;
  worker.stop(SIGTERM, 30s);
  std::printf("  sluice: all %zu records in Kafka after %.2f s, queue empty after %.2f s\n", o.messages,
              std::chrono::duration<double>(in_kafka).count(), std::chrono::duration<double>(took).count());
  return rate(o.messages, took);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines appear as they happen, also when redirected
  try {
    const Options o = parse(argc, argv);
    std::printf("RabbitMQ source benchmark: %zu messages of %zu bytes, prefetch %d\n", o.messages, o.size,
                o.prefetch);
    sluice::test::RabbitMqServer broker;
    const std::string queue = "bench";

    if (o.sluice_only) {
      fill(broker.port(), queue, o);
      std::printf("  sluice (RabbitMQ -> Kafka): %.0f msg/s\n", run_sluice(broker, queue, o));
      return 0;
    }
    fill(broker.port(), queue, o);
    const double consume_rate = run_amqp_consume(broker, queue, o);
    std::printf("  amqp-consume: %.0f msg/s\n", consume_rate);

    fill(broker.port(), queue, o);
    const double raw_rate = run_rabbitmq_c(broker, queue, o);
    std::printf("  rabbitmq-c loop: %.0f msg/s\n", raw_rate);

    fill(broker.port(), queue, o);
    const double sluice_rate = run_sluice(broker, queue, o);
    std::printf("  sluice (RabbitMQ -> Kafka): %.0f msg/s\n", sluice_rate);

    std::printf("\n%-28s %12s\n", "", "messages/s");
    std::printf("%-28s %12.0f\n", "amqp-consume (drain)", consume_rate);
    std::printf("%-28s %12.0f\n", "rabbitmq-c loop (drain)", raw_rate);
    std::printf("%-28s %12.0f\n", "sluice RabbitMQ -> Kafka", sluice_rate);
    std::printf("ratio sluice / amqp-consume: %.2fx (target >= 0.7x)\n", sluice_rate / consume_rate);
    std::printf("ratio sluice / rabbitmq-c loop: %.2fx\n", sluice_rate / raw_rate);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rabbitmq_bench: %s\n", e.what());
    return 1;
  }
}
