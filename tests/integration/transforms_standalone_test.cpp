// `sluice standalone` with connector configs copied from Kafka's documentation (Kafka class names for
// converters, transforms and predicates), config providers, and the validate endpoint's enriched transform
// and predicate keys. Checked from outside: curl for REST, kcat for the bytes in Kafka.

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr auto kWait = 60s;

struct Http {
  int status = 0;
  std::string body;
};

Http http(const std::string& method, const std::string& url, const std::string& body = "") {
  std::vector<std::string> argv = {"curl", "-s", "-X", method, "-w", "\n%{http_code}", url};
  if (!body.empty()) argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary", body});
  const CommandResult result = run_command(argv, "", 20s);
  Http out;
  const auto newline = result.out.rfind('\n');
  if (!result.status.success() || newline == std::string::npos) return out;
  out.body = result.out.substr(0, newline);
  out.status = std::atoi(result.out.c_str() + newline + 1);
  return out;
}

// Kafka's documentation, "Transformations" (connect-file-source.properties with the MakeMap/InsertSource
// chain), as a JSON connector config. "file" stays relative, as in the docs: the worker runs in the directory
// that holds test.txt.
constexpr const char* kDocsFileSource = R"({
  "name": "local-file-source",
  "config": {
    "connector.class": "FileStreamSource",
    "tasks.max": "1",
    "file": "test.txt",
    "topic": "connect-test",
    "transforms": "MakeMap, InsertSource",
    "transforms.MakeMap.type": "org.apache.kafka.connect.transforms.HoistField$Value",
    "transforms.MakeMap.field": "line",
    "transforms.InsertSource.type": "org.apache.kafka.connect.transforms.InsertField$Value",
    "transforms.InsertSource.static.field": "data_source",
    "transforms.InsertSource.static.value": "test-file-source"
  }
})";

// Kafka's documentation, "Predicates": drop the records of topic foo, extract other_field everywhere but bar.
constexpr const char* kDocsPredicates = R"({
  "name": "foo-source",
  "config": {
    "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "file": "test.txt",
    "topic": "foo",
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.storage.StringConverter",
    "transforms": "Filter,Extract",
    "transforms.Filter.type": "org.apache.kafka.connect.transforms.Filter",
    "transforms.Filter.predicate": "IsFoo",
    "transforms.Extract.type": "org.apache.kafka.connect.transforms.ExtractField$Key",
    "transforms.Extract.field": "other_field",
    "transforms.Extract.predicate": "IsBar",
    "transforms.Extract.negate": "true",
    "predicates": "IsFoo,IsBar",
    "predicates.IsFoo.type": "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
    "predicates.IsFoo.pattern": "foo",
    "predicates.IsBar.type": "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
    "predicates.IsBar.pattern": "bar"
  }
})";

class TransformsStandalone : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("test.txt", "foo\nbar\nhello world\n");
    dir_.write("secrets.properties", "source.name=from-a-file\n");
    const std::string props =
        "bootstrap.servers=" + kafka_.bootstrap() + "\n" +
        "listeners=http://127.0.0.1:" + std::to_string(port_) + "\n" +
        "offset.storage.file.filename=" + (dir_ / "connect.offsets").string() + "\n" +
        // As the documentation's example: schemaless JSON.
        "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
        "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
        "key.converter.schemas.enable=false\n"
        "value.converter.schemas.enable=false\n"
        "offset.flush.interval.ms=500\n"
        // The built-in plugins' directory and the worker's fixture plugin (a config provider from a .so).
        "plugin.path=" +
        std::string(SLUICE_PLUGIN_DIR) + "," + std::string(SLUICE_TEST_PLUGIN_DIR) + "/worker-test\n" +
        "config.providers=file,env,echo\n"
        "config.providers.echo.class=EchoConfigProvider\n"
        "config.providers.echo.param.suffix=_source\n"
        "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider\n"
        "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider\n"
        "config.providers.env.param.allowlist.pattern=SLUICE_IT_.*\n";
    const auto worker_file = dir_.write("worker.properties", props);
    const auto docs = dir_.write("local-file-source.json", kDocsFileSource);
    const auto predicates = dir_.write("foo-source.json", kDocsPredicates);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{sluice_executable().string(), "standalone", worker_file.string(),
                                 docs.string(), predicates.string()},
        ProcessOptions{
            .env = {{"SLUICE_IT_TOPIC", "provided-topic"}}, .cwd = dir_.path(), .name = "sluice standalone"});
    ASSERT_TRUE(
        wait_until([&] { return http("GET", url("/connectors")).status == 200 || !process_->running(); },
                   kWait, "GET /connectors to answer 200"))
        << process_->stderr_text();
    ASSERT_TRUE(process_->running()) << process_->stderr_text();
  }

  void TearDown() override {
    if (process_) {
      EXPECT_TRUE(process_->stop(SIGTERM, 20s).success()) << process_->stderr_text();
    }
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<std::string> payloads(const std::string& topic) {
    const auto result = run_command(
        {"kcat", "-C", "-b", kafka_.bootstrap(), "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"},
        "", 30s);
    std::vector<std::string> out;
    std::istringstream in(result.out);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  TempDir dir_{"transforms-standalone"};
  DevKafka kafka_{DevKafka::Options{.topics = {"connect-test:1", "foo:1", "provided-topic:1"}}};
  std::uint16_t port_ = free_port();
  std::unique_ptr<Process> process_;
};

TEST_F(TransformsStandalone, KafkasDocumentationConfigsRunUnchanged) {
  // The documentation's expected topic content.
  const std::vector<std::string> expected = {R"({"line":"foo","data_source":"test-file-source"})",
                                             R"({"line":"bar","data_source":"test-file-source"})",
                                             R"({"line":"hello world","data_source":"test-file-source"})"};
  ASSERT_TRUE(
      wait_until([&] { return payloads("connect-test").size() == 3; }, kWait, "3 records in connect-test"))
      << ::testing::PrintToString(payloads("connect-test")) << process_->stderr_text();
  EXPECT_EQ(payloads("connect-test"), expected);

  // The predicates example: every record of topic foo is filtered out, yet the source's offsets advance.
  ASSERT_TRUE(wait_until(
      [&] {
        const Http offsets = http("GET", url("/connectors/foo-source/offsets"));
        return offsets.status == 200 &&
               json::parse(offsets.body)["offsets"].dump().find("\"position\":20") != std::string::npos;
      },
      kWait, "foo-source's offset at the end of test.txt"))
      << http("GET", url("/connectors/foo-source/offsets")).body;
  EXPECT_TRUE(payloads("foo").empty());
  const json status = json::parse(http("GET", url("/connectors/foo-source/status")).body);
  EXPECT_EQ(status["tasks"][0]["state"], "RUNNING") << status.dump();
}

// ${file:...} and ${env:...} from the built-in providers, ${echo:...} from a provider plugin (.so).
TEST_F(TransformsStandalone, PlaceholdersResolveInTasksAndStayRawInRest) {
  const std::string secrets = (dir_ / "secrets.properties").string();
  const json request = {
      {"name", "provided-source"},
      {"config",
       {{"connector.class", "FileStreamSource"},
        {"file", (dir_ / "test.txt").string()},
        {"topic", "${env:SLUICE_IT_TOPIC}"},
        {"transforms", "MakeMap, InsertSource"},
        {"transforms.MakeMap.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
        {"transforms.MakeMap.field", "line"},
        {"transforms.InsertSource.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
        {"transforms.InsertSource.static.field", "${echo:fields:data}"},
        {"transforms.InsertSource.static.value", "${file:" + secrets + ":source.name}"}}}};
  const Http created = http("POST", url("/connectors"), request.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(wait_until([&] { return payloads("provided-topic").size() == 3; }, kWait,
                         "3 records in provided-topic"))
      << process_->stderr_text();
  EXPECT_EQ(payloads("provided-topic")[0], R"({"line":"foo","data_source":"from-a-file"})");
  // REST shows what was submitted, placeholders and all.
  const json config = json::parse(http("GET", url("/connectors/provided-source/config")).body);
  EXPECT_EQ(config["topic"], "${env:SLUICE_IT_TOPIC}");
  EXPECT_EQ(config["transforms.InsertSource.static.value"], "${file:" + secrets + ":source.name}");
  EXPECT_EQ(config["transforms.InsertSource.static.field"], "${echo:fields:data}");
}

TEST_F(TransformsStandalone, ValidateNamesTheTransformAndKeyInEnrichedGroups) {
  const json config = {
      {"connector.class", "FileStreamSource"},
      {"name", "v"},
      {"topic", "t"},
      {"transforms", "bad,hoist"},
      {"transforms.bad.type", "com.example.Nope"},
      {"transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
      {"transforms.hoist.negate", "true"},
      {"predicates", "hasTrace,isFoo"},
      {"predicates.hasTrace.type", "HasHeaderKey"},
      {"predicates.isFoo.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
      {"predicates.isFoo.pattern", ""}};
  const Http response =
      http("PUT", url("/connector-plugins/FileStreamSource/config/validate"), config.dump());
  ASSERT_EQ(response.status, 200) << response.body;
  const json infos = json::parse(response.body);
  std::map<std::string, json> by_name;
  for (const auto& c : infos["configs"]) by_name[c["value"]["name"].get<std::string>()] = c;

  EXPECT_EQ(by_name["transforms.bad.type"]["value"]["errors"],
            json({"Invalid value com.example.Nope for configuration transforms.bad.type: Class "
                  "com.example.Nope could "
                  "not be found.",
                  "Invalid value null for configuration transforms.bad.type: Not a Transformation"}));
  EXPECT_EQ(by_name["transforms.bad.type"]["definition"]["group"], "Transforms: bad");
  EXPECT_EQ(by_name["transforms.bad.type"]["definition"]["display_name"], "Transformation type for bad");
  EXPECT_EQ(by_name["transforms.hoist.type"]["value"]["value"],
            "org.apache.kafka.connect.transforms.HoistField$Value");
  EXPECT_EQ(by_name["transforms.hoist.type"]["value"]["errors"],
            json({"Config 'transforms.hoist.negate' was provided but there is no config "
                  "'transforms.hoist.predicate' "
                  "defining a predicate to be negated."}));
  EXPECT_EQ(by_name["transforms.hoist.field"]["value"]["errors"],
            json({"Missing required configuration \"transforms.hoist.field\" which has no default value."}));
  EXPECT_EQ(by_name["transforms.hoist.field"]["definition"]["group"], "Transforms: hoist");
  EXPECT_EQ(
      by_name["predicates.hasTrace.name"]["value"]["errors"],
      json({"Missing required configuration \"predicates.hasTrace.name\" which has no default value."}));
  EXPECT_EQ(by_name["predicates.hasTrace.name"]["definition"]["group"], "Predicates: hasTrace");
  // Validators of embedded keys name the plugin's own key, as Kafka's ConfigDef.embed does.
  EXPECT_EQ(by_name["predicates.isFoo.pattern"]["value"]["errors"],
            json({"Invalid value  for configuration pattern: String must be non-empty"}));
  const auto& recommended = by_name["predicates.hasTrace.type"]["value"]["recommended_values"];
  EXPECT_EQ(recommended, json({"org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
                               "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
                               "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"}));
  EXPECT_EQ(infos["error_count"], 6) << infos.dump();
  const auto& groups = infos["groups"];
  for (const char* group :
       {"Transforms: bad", "Transforms: hoist", "Predicates: hasTrace", "Predicates: isFoo"}) {
    EXPECT_NE(std::find(groups.begin(), groups.end(), group), groups.end())
        << group << " in " << groups.dump();
  }

  // Creating the connector is refused with the same errors (HTTP 400).
  const Http created = http("POST", url("/connectors"), json({{"name", "v"}, {"config", config}}).dump());
  EXPECT_EQ(created.status, 400) << created.body;
  EXPECT_NE(created.body.find("Class com.example.Nope could not be found."), std::string::npos)
      << created.body;
}

}  // namespace
}  // namespace sluice::test
