// topic_watch BOOTSTRAP TOPIC PARTITIONS COUNT TIMEOUT_SECONDS
//
// Waits until the end offsets of TOPIC's partitions add up to at least COUNT, and exits 0 then (1 on timeout,
// 2 on bad arguments). One client, one ListOffsets request every 5 ms: watching costs the benchmark little,
// unlike starting `kcat -Q` (a process, a connection and a metadata request) per check. Checking every
// millisecond took ~0.09 s of CPU per 1M-record run (and as many answers from the broker) on the 2-core
// machine the tool it watches runs on; every 5 ms costs a fifth of that and adds 2.5 ms on average to a ~1 s
// time. bench/file_pipeline/run.sh uses it to time "every record is in Kafka".

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP TOPIC PARTITIONS COUNT TIMEOUT_SECONDS\n", argv[0]);
    return 2;
  }
  const std::string bootstrap = argv[1];
  const std::string topic = argv[2];
  const int partitions = std::atoi(argv[3]);
  const long long count = std::atoll(argv[4]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(argv[5]));
  if (partitions <= 0) {
    std::fprintf(stderr, "topic_watch: PARTITIONS must be positive\n");
    return 2;
  }

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "topic_watch: %s\n", err);
    rd_kafka_conf_destroy(conf);
    return 2;
  }
  std::unique_ptr<rd_kafka_t, KafkaDeleter> rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!rk) {
    std::fprintf(stderr, "topic_watch: %s\n", err);
    return 2;
  }
  long long last = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p)
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = RD_KAFKA_OFFSET_END;
    // A timestamp of RD_KAFKA_OFFSET_END asks for each partition's end offset, all in one request per broker.
    if (rd_kafka_offsets_for_times(rk.get(), list.get(), 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      long long sum = 0;
      bool complete = true;
      for (int i = 0; i < list->cnt; ++i) {
        if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR || list->elems[i].offset < 0) {
          complete = false;
          break;
        }
        sum += list->elems[i].offset;
      }
      if (complete) {
        last = sum;
        if (sum >= count) return 0;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::fprintf(stderr, "topic_watch: %s holds %lld records after the timeout, expected %lld\n", topic.c_str(), last,
               count);
  return 1;
}
