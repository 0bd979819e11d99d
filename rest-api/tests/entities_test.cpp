#include "rest-api/entities.hpp"

#include "core/common/errors.hpp"
#include "rest-api/json_input.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sluice::rest {
namespace {

std::string mapping_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const BadRequestError& e) {
    return std::string("400 ") + e.what();
  } catch (const ConnectError& e) {
    return std::string("500 ") + e.what();
  }
  return "no error";
}

TEST(EntitiesTest, ConnectorInfoFieldOrderIsNameConfigTasksType) {
  herder::ConnectorInfo info{"local-file-source",
                             {{"name", "local-file-source"}, {"topic", "test"}},
                             {{"local-file-source", 0}},
                             "source"};
  EXPECT_EQ(dump(to_json(info)),
            R"({"name":"local-file-source","config":{"name":"local-file-source","topic":"test"},)"
            R"("tasks":[{"connector":"local-file-source","task":0}],"type":"source"})");
}

TEST(EntitiesTest, StateInfoPutsWorkerIdBeforeTraceAndOmitsEmptyTrace) {
  herder::ConnectorStateInfo info;
  info.name = "c";
  info.connector = {"FAILED", "w:8083", std::string("java.lang.RuntimeException: boom\n\tat x")};
  herder::TaskStateInfo t0;
  t0.id = 0;
  t0.state = "RUNNING";
  t0.worker_id = "w:8083";
  t0.trace = std::string();  // empty: omitted, as @JsonInclude(NON_EMPTY)
  info.tasks = {t0};
  info.type = "sink";
  EXPECT_EQ(
      dump(to_json(info)),
      R"({"name":"c","connector":{"state":"FAILED","worker_id":"w:8083","trace":"java.lang.RuntimeException: boom\n\tat x"},)"
      R"("tasks":[{"id":0,"state":"RUNNING","worker_id":"w:8083"}],"type":"sink"})");
}

TEST(EntitiesTest, ConfigInfosAndKeyInfoFollowJacksonOrder) {
  herder::ConfigKeyInfo key;
  key.name = "topic";
  key.type = "STRING";
  key.required = true;
  key.importance = "HIGH";
  key.documentation = "The topic to publish data to";
  key.width = "NONE";
  key.display_name = "topic";
  herder::ConfigInfos infos;
  infos.name = "org.apache.kafka.connect.file.FileStreamSourceConnector";
  infos.error_count = 0;
  infos.groups = {"Common"};
  herder::ConfigInfo with_definition;
  with_definition.definition = key;
  with_definition.value = {"topic", std::string("test"), {}, {}, true};
  herder::ConfigInfo without_definition;
  without_definition.value = {"consumer.override.x", std::nullopt, {}, {"bad"}, false};
  infos.configs = {with_definition, without_definition};
  EXPECT_EQ(
      dump(to_json(infos)),
      R"({"name":"org.apache.kafka.connect.file.FileStreamSourceConnector","error_count":0,"groups":["Common"],)"
      R"("configs":[{"definition":{"name":"topic","type":"STRING","required":true,"default_value":null,)"
      R"("importance":"HIGH","documentation":"The topic to publish data to","group":null,"width":"NONE",)"
      R"("display_name":"topic","dependents":[],"order":-1},)"
      R"("value":{"name":"topic","value":"test","recommended_values":[],"errors":[],"visible":true}},)"
      R"({"definition":null,"value":{"name":"consumer.override.x","value":null,"recommended_values":[],)"
      R"("errors":["bad"],"visible":false}}]})");
}

TEST(EntitiesTest, SmallEntities) {
  EXPECT_EQ(dump(to_json(herder::PluginDesc{"X", "source", ""})), R"({"class":"X","type":"source"})");
  EXPECT_EQ(dump(to_json(herder::PluginDesc{"X", "sink", "1.0"})),
            R"({"class":"X","type":"sink","version":"1.0"})");
  EXPECT_EQ(dump(to_json(herder::ServerInfo{"3.9.0", "abc", "id"})),
            R"({"version":"3.9.0","commit":"abc","kafka_cluster_id":"id"})");
  EXPECT_EQ(dump(to_json(herder::HealthInfo{503, "starting", "Worker is still starting up."})),
            R"({"status":"starting","message":"Worker is still starting up."})");
  EXPECT_EQ(dump(to_json(herder::LoggerLevel{"WARN", 1729800000000})),
            R"({"level":"WARN","last_modified":1729800000000})");
  EXPECT_EQ(dump(to_json(herder::LoggerLevel{"INFO", std::nullopt})),
            R"({"level":"INFO","last_modified":null})");
  EXPECT_EQ(dump(active_topics_json("c", {"t2", "t1"})), R"({"c":{"topics":["t1","t2"]}})");
  EXPECT_EQ(dump(message_json("done")), R"({"message":"done"})");
  std::vector<herder::TaskInfo> tasks{{{"c", 1}, {{"k", "v"}}}};
  EXPECT_EQ(dump(to_json(tasks)), R"([{"id":{"connector":"c","task":1},"config":{"k":"v"}}])");
  EXPECT_EQ(dump(tasks_config_json(tasks)), R"({"c-1":{"k":"v"}})");
}

TEST(EntitiesTest, OffsetsRoundTripWithInt64AndDouble) {
  Json body = parse_json_body(
      R"({"offsets":[{"partition":{"filename":"/tmp/in"},"offset":{"position":12,"ratio":0.5,"big":9007199254740993}},)"
      R"({"partition":{"kafka_topic":"t","kafka_partition":0},"offset":null}]})");
  auto offsets = parse_offsets(body);
  ASSERT_TRUE(offsets);
  ASSERT_EQ(offsets->size(), 2u);
  const auto& first = (*offsets)[0];
  ASSERT_EQ(first.offset.kind(), data::Value::Kind::Map);
  EXPECT_EQ(first.offset.as_map()[0].second, data::Value::int64(12));
  EXPECT_EQ(first.offset.as_map()[1].second, data::Value::float64(0.5));
  EXPECT_EQ(first.offset.as_map()[2].second, data::Value::int64(9007199254740993LL));
  EXPECT_TRUE((*offsets)[1].offset.is_null());
  EXPECT_EQ(
      dump(offsets_json(*offsets)),
      R"({"offsets":[{"partition":{"filename":"/tmp/in"},"offset":{"position":12,"ratio":0.5,"big":9007199254740993}},)"
      R"({"partition":{"kafka_topic":"t","kafka_partition":0},"offset":null}]})");
}

TEST(EntitiesTest, ValueToJsonCoversEveryKind) {
  data::Value::Map map;
  map.emplace_back(data::Value::string("b"), data::Value::bytes("hi!"));
  map.emplace_back(data::Value::int32(7), data::Value::boolean(true));
  data::Value v = data::Value::array(
      {data::Value::int8(1), data::Value::float32(1.5f), data::Value(), data::Value::map(map)});
  EXPECT_EQ(dump(value_to_json(v)), R"([1,1.5,null,{"b":"aGkh","7":true}])");
}

TEST(EntitiesTest, StringMapCoercesNumbersAndBooleansKeepingTheirText) {
  auto map = parse_string_map(parse_json_body(
      R"({"tasks.max": 1, "complete.record.data": false, "ratio": 1.50, "exp": 1e3, "s": "x", "gone": null})"));
  EXPECT_EQ(map.at("tasks.max"), "1");
  EXPECT_EQ(map.at("complete.record.data"), "false");
  EXPECT_EQ(map.at("ratio"), "1.50");
  EXPECT_EQ(map.at("exp"), "1e3");
  EXPECT_EQ(map.at("s"), "x");
  EXPECT_FALSE(map.at("gone").has_value());
}

TEST(EntitiesTest, StringMapRejectsContainersLikeJackson) {
  EXPECT_EQ(mapping_error([] { parse_string_map(parse_json_body(R"({"a":{"b":1}})")); }),
            "500 Cannot deserialize value of type `java.lang.String` from Object value (token "
            "`JsonToken.START_OBJECT`) (through reference chain: java.util.LinkedHashMap[\"a\"])");
  EXPECT_EQ(mapping_error([] { parse_string_map(parse_json_body("[1]")); }),
            "500 Cannot deserialize value of type "
            "`java.util.LinkedHashMap<java.lang.String,java.lang.String>` from "
            "Array value (token `JsonToken.START_ARRAY`)");
}

TEST(EntitiesTest, CreateRequestParsing) {
  auto request = parse_create_request(
      parse_json_body(R"({"name":" c ","config":{"tasks.max":2},"initial_state":"paused"})"));
  EXPECT_EQ(request.name, " c ");
  ASSERT_TRUE(request.config);
  EXPECT_EQ(request.config->at("tasks.max"), "2");
  EXPECT_EQ(request.initial_state, TargetState::Paused);
  EXPECT_EQ(parse_create_request(parse_json_body(R"({"name":"c","config":null})")).config, std::nullopt);
  EXPECT_EQ(parse_create_request(parse_json_body(R"({"name":"c","initial_state":"Stopped"})")).initial_state,
            TargetState::Stopped);
  EXPECT_EQ(parse_create_request(parse_json_body(R"({"initial_state":"RUNNING"})")).initial_state,
            TargetState::Started);
}

TEST(EntitiesTest, CreateRequestErrorsCarryJacksonFragments) {
  EXPECT_EQ(mapping_error([] { parse_create_request(parse_json_body(R"({"name":"c","bogus":1})")); }),
            "500 Unrecognized field \"bogus\" (class org.apache.kafka.connect.runtime.rest.entities."
            "CreateConnectorRequest), not marked as ignorable (3 known properties: \"name\", \"config\", "
            "\"initial_state\"]) (through reference chain: "
            "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"bogus\"])");
  EXPECT_EQ(
      mapping_error([] { parse_create_request(parse_json_body(R"({"initial_state":"sleeping"})")); }),
      "500 Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities."
      "CreateConnectorRequest$InitialState`, problem: No enum constant org.apache.kafka.connect.runtime.rest."
      "entities.CreateConnectorRequest.InitialState.SLEEPING (through reference chain: "
      "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest[\"initial_state\"])");
  EXPECT_EQ(
      mapping_error([] { parse_create_request(parse_json_body(R"("c")")); }),
      "500 Cannot construct instance of "
      "`org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` "
      "(although at least one Creator exists): no String-argument constructor/factory method to deserialize "
      "from String value ('c')");
}

TEST(EntitiesTest, OffsetsErrorsMatchKafkaIntegrationTestFragments) {
  auto error = [](const std::string& body) {
    return mapping_error([&] { parse_offsets(parse_json_body(body)); });
  };
  EXPECT_NE(error("[]").find("500 Cannot deserialize value"), std::string::npos);
  EXPECT_NE(error(R"({"key": []})").find("500 Unrecognized field \"key\""), std::string::npos);
  EXPECT_NE(error(R"({"offsets": {}})").find("500 Cannot deserialize value"), std::string::npos);
  EXPECT_EQ(
      error(R"({"offsets": [123]})"),
      "500 Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset` "
      "(although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize "
      "from Number value (123) (through reference chain: org.apache.kafka.connect.runtime.rest.entities."
      "ConnectorOffsets[\"offsets\"]->java.util.ArrayList[0])");
  EXPECT_NE(error(R"({"offsets": [{"key": "val"}]})").find("500 Unrecognized field \"key\""),
            std::string::npos);
  EXPECT_NE(error(R"({"offsets": [{"partition": []}]})").find("500 Cannot deserialize value"),
            std::string::npos);
  EXPECT_FALSE(parse_offsets(parse_json_body("{}")));
  EXPECT_TRUE(parse_offsets(parse_json_body(R"({"offsets":[]})"))->empty());
}

TEST(EntitiesTest, SyntaxErrorsAreBadRequestsThatSayWhereAndWhat) {
  EXPECT_EQ(mapping_error([] { parse_json_body(R"({"name": "c",})"); }),
            "400 Request body is not valid JSON: parse error at line 1, column 14: syntax error while "
            "parsing object "
            "key - unexpected '}'; expected string literal");
  EXPECT_EQ(mapping_error([] { parse_json_body("{\n  \"a\": tru\n}"); }),
            "400 Request body is not valid JSON: parse error at line 3, column 0: syntax error while parsing "
            "value - "
            "invalid literal; last read: '\"a\": tru<U+000A>'");
  EXPECT_EQ(mapping_error([] { parse_json_body(" \n"); }),
            "400 Request body is empty; expected a JSON document");
  EXPECT_EQ(mapping_error([] { parse_json_body(std::string(600, '[') + std::string(600, ']')); }),
            "400 Request body is not valid JSON: nesting deeper than 512 levels");
}

TEST(EntitiesTest, DecimalNumbersKeepTheirText) {
  Json j = parse_json_body("[1.50, -0.0, 1E+2, 3]");
  EXPECT_TRUE(is_decimal_number(j[0]));
  EXPECT_EQ(decimal_text(j[0]), "1.50");
  EXPECT_EQ(decimal_text(j[1]), "-0.0");
  EXPECT_DOUBLE_EQ(decimal_value(j[2]), 100.0);
  EXPECT_FALSE(is_decimal_number(j[3]));
}

}  // namespace
}  // namespace sluice::rest
