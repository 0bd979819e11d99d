// Every route and method of Kafka Connect's REST API (reference §1.2 rows 1-29), over real HTTP against a
// RestServer wired to the scripted FakeHerder.
#include "core/common/errors.hpp"
#include "rest-api/tests/server_fixture.hpp"

namespace sluice::rest::testing {
namespace {

using RoutesTest = RestFixture;

// ---- 1, 2: root and health ---------------------------------------------------------------------------

TEST_F(RoutesTest, RootReturnsServerInfo) {
  auto r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"version":"3.9.0","commit":"c0ffee","kafka_cluster_id":"cluster-1"})");
}

TEST_F(RoutesTest, HealthUsesTheHerdersStatusAndWorkerStatusBody) {
  auto r = get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(
      r.body,
      R"({"status":"healthy","message":"Worker has completed startup and is ready to handle requests."})");
  herder_.health_info = {503, "starting", "Worker is still starting up."};
  r = get("/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"starting","message":"Worker is still starting up."})");
}

// ---- 3: list ----------------------------------------------------------------------------------------

TEST_F(RoutesTest, ListConnectors) {
  EXPECT_EQ(get("/connectors").body, "[]");
  add_connector("a");
  add_connector("b");
  auto r = get("/connectors");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"(["a","b"])");
  EXPECT_EQ(get("/connectors/").body, R"(["a","b"])");
}

TEST_F(RoutesTest, ListConnectorsExpandStatusAndInfo) {
  add_connector("a", 1);
  auto r = get("/connectors?expand=status&expand=info");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"({"a":{"status":{"name":"a","connector":{"state":"RUNNING","worker_id":"worker1:8083"},)"
            R"("tasks":[{"id":0,"state":"RUNNING","worker_id":"worker1:8083"}],"type":"source"},)"
            R"("info":{"name":"a","config":{"connector.class":"FileStreamSource","name":"a"},)"
            R"("tasks":[{"connector":"a","task":0}],"type":"source"}}})");
  EXPECT_EQ(get("/connectors?expand=info").body,
            R"({"a":{"info":{"name":"a","config":{"connector.class":"FileStreamSource","name":"a"},)"
            R"("tasks":[{"connector":"a","task":0}],"type":"source"}}})");
  EXPECT_EQ(get("/connectors?expand=bogus").body, R"({"a":{}})");
}

TEST_F(RoutesTest, ListConnectorsExpandSkipsConnectorsRemovedMeanwhile) {
  add_connector("a");
  herder_.fail("connector_status", [] { throw NotFoundError("No status found for connector a"); });
  EXPECT_EQ(get("/connectors?expand=status").body, "{}");
}

// ---- 4: create ---------------------------------------------------------------------------------------

TEST_F(RoutesTest, CreateConnectorReturns201WithLocationAndConnectorInfo) {
  auto r = send("POST", "/connectors",
                R"({"name":"  my conn.v1 ","config":{"connector.class":"FileStreamSource","tasks.max":1,)"
                R"("complete.record.data":false}})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.header("location"), "http://127.0.0.1:" + std::to_string(port_) + "/connectors/my%20conn.v1");
  EXPECT_EQ(
      r.body,
      R"({"name":"my conn.v1","config":{"complete.record.data":"false","connector.class":"FileStreamSource",)"
      R"("name":"my conn.v1","tasks.max":"1"},"tasks":[],"type":"source"})");
  auto call = herder_.last_call("put_connector_config");
  ASSERT_TRUE(call);
  EXPECT_EQ(call->name, "my conn.v1");
  EXPECT_FALSE(call->allow_replace);
  EXPECT_FALSE(call->initial_state);
  EXPECT_EQ(call->config.at("tasks.max"), "1");
  EXPECT_EQ(call->config.at("name"), "my conn.v1");
}

TEST_F(RoutesTest, CreateConnectorInitialStateIsCaseInsensitive) {
  EXPECT_EQ(send("POST", "/connectors", R"({"name":"c","config":{},"initial_state":"stopped"})").status, 201);
  EXPECT_EQ(herder_.last_call("put_connector_config")->initial_state, TargetState::Stopped);
  EXPECT_EQ(send("POST", "/connectors", R"({"name":"d","config":{},"initial_state":"PAUSED"})").status, 201);
  EXPECT_EQ(herder_.last_call("put_connector_config")->initial_state, TargetState::Paused);
}

TEST_F(RoutesTest, CreateConnectorNameMismatchIs400WithKafkasText) {
  auto r = send("POST", "/connectors", R"({"name":"a","config":{"name":"b"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            error_json(400, "Connector name configuration (b) doesn't match connector name in the URL (a)"));
  EXPECT_FALSE(herder_.last_call("put_connector_config"));
}

TEST_F(RoutesTest, CreateConnectorNullNameInConfigCountsAsAbsent) {
  EXPECT_EQ(send("POST", "/connectors", R"({"name":"a","config":{"name":null}})").status, 201);
  EXPECT_EQ(herder_.last_call("put_connector_config")->config.at("name"), "a");
}

TEST_F(RoutesTest, CreateConnectorWithNullValuesIs400) {
  auto r = send("POST", "/connectors", R"({"name":"a","config":{"topic":null,"file":null}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, error_json(400,
                               "Connector configuration is invalid and contains the following 2 error(s):\\n"
                               "Null value can not be supplied as the configuration value.\\n"
                               "Null value can not be supplied as the configuration value.\\n"
                               "You can also find the above list of errors at the endpoint "
                               "`/connector-plugins/{connectorType}/config/validate`"));
}

TEST_F(RoutesTest, CreateExistingConnectorIs409) {
  add_connector("a");
  auto r = send("POST", "/connectors", R"({"name":"a","config":{}})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, error_json(409, "Connector a already exists"));
}

TEST_F(RoutesTest, CreateConnectorWithoutConfigIs400) {
  auto r = send("POST", "/connectors", R"({"name":"a"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, error_json(400,
                               "The request body for creating connector a has no 'config' object; send "
                               "{\\\"name\\\": \\\"<name>\\\", \\\"config\\\": {...}}"));
}

TEST_F(RoutesTest, MalformedJsonIs400SayingWhatAndWhere) {
  auto r = send("POST", "/connectors", R"({"name":"a","config":{"x":1,}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            error_json(400,
                       "Request body is not valid JSON: parse error at line 1, column 29: syntax error "
                       "while parsing object key - unexpected '}'; expected string literal"));
  r = send("POST", "/connectors");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, error_json(400, "Request body is empty; expected a JSON document"));
}

TEST_F(RoutesTest, WronglyTypedBodiesAre500LikeKafka) {
  auto r = send("POST", "/connectors", R"({"name":"a","config":{"x":[1]}})");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Cannot deserialize value of type `java.lang.String` from Array value"),
            std::string::npos);
  r = send("POST", "/connectors", R"({"name":"a","config":{},"extra":1})");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Unrecognized field \\\"extra\\\""), std::string::npos);
  r = send("POST", "/connectors", "[123]");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Cannot deserialize value of type `org.apache.kafka.connect.runtime.rest.entities."
                        "CreateConnectorRequest` from Array value"),
            std::string::npos);
}

// ---- 5, 6, 18: read and delete -----------------------------------------------------------------------

TEST_F(RoutesTest, GetConnectorAndConfigDecodePathSegments) {
  add_connector("my conn.v1", 2);
  auto r = get("/connectors/my%20conn.v1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(
      r.body,
      R"({"name":"my conn.v1","config":{"connector.class":"FileStreamSource","name":"my conn.v1"},)"
      R"("tasks":[{"connector":"my conn.v1","task":0},{"connector":"my conn.v1","task":1}],"type":"source"})");
  r = get("/connectors/my%20conn.v1/config");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"connector.class":"FileStreamSource","name":"my conn.v1"})");
  r = get("/connectors/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "Connector nope not found"));
}

TEST_F(RoutesTest, DeleteConnectorIs204WithoutBody) {
  add_connector("a");
  auto r = send("DELETE", "/connectors/a");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_FALSE(r.has_header("content-type"));
  EXPECT_FALSE(r.has_header("content-length"));
  r = send("DELETE", "/connectors/a");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "Connector a not found"));
}

// ---- 7, 8: PUT and PATCH config ------------------------------------------------------------------------

TEST_F(RoutesTest, PutConfigCreatesWith201AndReplacesWith200) {
  auto r =
      send("PUT", "/connectors/new%20one/config", R"({"connector.class":"FileStreamSink","tasks.max":3})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.header("location"), "http://127.0.0.1:" + std::to_string(port_) + "/connectors/new%20one");
  EXPECT_EQ(
      r.body,
      R"({"name":"new one","config":{"connector.class":"FileStreamSink","name":"new one","tasks.max":"3"},)"
      R"("tasks":[],"type":"source"})");
  EXPECT_TRUE(herder_.last_call("put_connector_config")->allow_replace);
  r = send("PUT", "/connectors/new%20one/config", R"({"connector.class":"FileStreamSink","name":"new one"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("location"));
}

TEST_F(RoutesTest, PutConfigNameMismatchAndWrongTypes) {
  auto r = send("PUT", "/connectors/a/config", R"({"name":"b"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            error_json(400, "Connector name configuration (b) doesn't match connector name in the URL (a)"));
  r = send("PUT", "/connectors/a/config", R"(["x"])");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Cannot deserialize value"), std::string::npos);
}

TEST_F(RoutesTest, PatchConfigRemovesNullKeysAndCoercesValues) {
  add_connector("a");
  auto r = send("PATCH", "/connectors/a/config", R"({"connector.class":null,"tasks.max":4,"enabled":true})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"name":"a","config":{"enabled":"true","name":"a","tasks.max":"4"},)"
                    R"("tasks":[{"connector":"a","task":0}],"type":"source"})");
  auto call = herder_.last_call("patch_connector_config");
  ASSERT_TRUE(call);
  EXPECT_EQ(call->patch.at("connector.class"), std::nullopt);
  EXPECT_EQ(call->patch.at("tasks.max"), "4");
  EXPECT_EQ(send("PATCH", "/connectors/zz/config", "{}").body, error_json(404, "Connector zz not found"));
}

// ---- 9-12: status and tasks ----------------------------------------------------------------------------

TEST_F(RoutesTest, ConnectorStatusSortsTasksAndShowsTraceOnlyWhenPresent) {
  add_connector("a", 0);
  herder::TaskStateInfo t1;
  t1.id = 1;
  t1.state = "FAILED";
  t1.worker_id = "w2:8083";
  t1.trace = "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X";
  herder::TaskStateInfo t0;
  t0.id = 0;
  t0.state = "RUNNING";
  t0.worker_id = "w1:8083";
  herder_.statuses["a"].tasks = {t1, t0};
  auto r = get("/connectors/a/status");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"({"name":"a","connector":{"state":"RUNNING","worker_id":"worker1:8083"},"tasks":[)"
            R"({"id":0,"state":"RUNNING","worker_id":"w1:8083"},)"
            R"({"id":1,"state":"FAILED","worker_id":"w2:8083","trace":"org.apache.kafka.connect.errors.)"
            R"(ConnectException: boom\n\tat X"}],"type":"source"})");
  r = get("/connectors/zz/status");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "No status found for connector zz"));
}

TEST_F(RoutesTest, TaskConfigsAndDeprecatedTasksConfig) {
  add_connector("a");
  herder_.tasks["a"] = {{{"a", 1}, {{"task.class", "T"}}}, {{"a", 0}, {{"task.class", "T"}, {"file", "/x"}}}};
  auto r = get("/connectors/a/tasks");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"([{"id":{"connector":"a","task":0},"config":{"file":"/x","task.class":"T"}},)"
                    R"({"id":{"connector":"a","task":1},"config":{"task.class":"T"}}])");
  r = get("/connectors/a/tasks-config");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a-0":{"file":"/x","task.class":"T"},"a-1":{"task.class":"T"}})");
  auto warning = wait_for_log({"warning", "tasks-config", "deprecated"});
  ASSERT_TRUE(warning) << "no WARN about the deprecated endpoint";
  EXPECT_EQ(get("/connectors/zz/tasks").body, error_json(404, "Connector zz not found"));
}

TEST_F(RoutesTest, TaskStatus) {
  add_connector("a", 1);
  auto r = get("/connectors/a/tasks/0/status");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":0,"state":"RUNNING","worker_id":"worker1:8083"})");
  r = get("/connectors/a/tasks/7/status");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "No status found for task a-7"));
  r = get("/connectors/a/tasks/abc/status");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "HTTP 404 Not Found"));
}

// ---- 13-17: restarts and state changes -------------------------------------------------------------------

TEST_F(RoutesTest, RestartTaskIs204) {
  add_connector("a", 2);
  auto r = send("POST", "/connectors/a/tasks/1/restart");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(herder_.last_call("restart_task")->task, (ConnectorTaskId{"a", 1}));
  EXPECT_EQ(send("POST", "/connectors/zz/tasks/0/restart").body, error_json(404, "Unknown connector: zz"));
}

TEST_F(RoutesTest, PlainRestartIs204AndAnyFlagGives202WithThePlan) {
  add_connector("a", 2);
  herder_.statuses["a"].tasks[1].state = "FAILED";
  auto r = send("POST", "/connectors/a/restart");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  r = send("POST", "/connectors/a/restart?includeTasks=false&onlyFailed=false");
  EXPECT_EQ(r.status, 204);
  r = send("POST", "/connectors/a/restart?includeTasks=true");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"name":"a","connector":{"state":"RESTARTING","worker_id":"worker1:8083"},"tasks":[)"
                    R"({"id":0,"state":"RESTARTING","worker_id":"worker1:8083"},)"
                    R"({"id":1,"state":"RESTARTING","worker_id":"worker1:8083"}],"type":"source"})");
  r = send("POST", "/connectors/a/restart?includeTasks=TRUE&onlyFailed=true");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"name":"a","connector":{"state":"RUNNING","worker_id":"worker1:8083"},"tasks":[)"
                    R"({"id":0,"state":"RUNNING","worker_id":"worker1:8083"},)"
                    R"({"id":1,"state":"RESTARTING","worker_id":"worker1:8083"}],"type":"source"})");
  auto call = herder_.last_call("restart_connector");
  EXPECT_TRUE(call->restart.include_tasks);
  EXPECT_TRUE(call->restart.only_failed);
  for (const char* query :
       {"", "?includeTasks=true", "?onlyFailed=true", "?includeTasks=true&onlyFailed=true"}) {
    r = send("POST", std::string("/connectors/zz/restart") + query);
    EXPECT_EQ(r.status, 404) << query;
    EXPECT_EQ(r.body, error_json(404, "Unknown connector: zz")) << query;
  }
}

TEST_F(RoutesTest, PauseResumeAre202WithEmptyBodyAndStopIs204) {
  add_connector("a");
  for (const char* action : {"pause", "resume"}) {
    auto r = send("PUT", std::string("/connectors/a/") + action);
    EXPECT_EQ(r.status, 202) << action;
    EXPECT_EQ(r.body, "") << action;
    EXPECT_EQ(r.header("content-length"), "0") << action;
    EXPECT_FALSE(r.has_header("content-type")) << action;
  }
  auto r = send("PUT", "/connectors/a/stop");
  EXPECT_EQ(r.status, 204);
  ASSERT_TRUE(herder_.last_call("stop_connector"));
  EXPECT_EQ(send("PUT", "/connectors/zz/pause").body, error_json(404, "Unknown connector zz"));
}

// ---- 19, 20: topics ------------------------------------------------------------------------------------

TEST_F(RoutesTest, ActiveTopicsAndReset) {
  add_connector("a");
  herder_.topics = {"t2", "t1"};
  EXPECT_EQ(get("/connectors/a/topics").body, R"({"a":{"topics":["t1","t2"]}})");
  EXPECT_EQ(get("/connectors/gone/topics").body, R"({"gone":{"topics":[]}})");
  auto r = send("PUT", "/connectors/a/topics/reset");
  EXPECT_EQ(r.status, 202);
  herder_.fail("active_topics", [] { throw herder::RestError(403, "Topic tracking is disabled."); });
  r = get("/connectors/a/topics");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, error_json(403, "Topic tracking is disabled."));
}

// ---- 21-23: offsets ------------------------------------------------------------------------------------

TEST_F(RoutesTest, GetOffsets) {
  add_connector("a");
  data::Value::Map partition{{data::Value::string("filename"), data::Value::string("/mnt/connect.input")}};
  data::Value::Map offset{{data::Value::string("position"), data::Value::int64(12)}};
  herder_.offsets["a"] = {{data::Value::map(partition), data::Value::map(offset)}};
  EXPECT_EQ(get("/connectors/a/offsets").body,
            R"({"offsets":[{"partition":{"filename":"/mnt/connect.input"},"offset":{"position":12}}]})");
  add_connector("b");
  EXPECT_EQ(get("/connectors/b/offsets").body, R"({"offsets":[]})");
}

TEST_F(RoutesTest, AlterAndResetOffsets) {
  add_connector("a");
  auto r =
      send("PATCH", "/connectors/a/offsets",
           R"({"offsets":[{"partition":{"kafka_topic":"t","kafka_partition":0},"offset":{"kafka_offset":3}},)"
           R"({"partition":{"kafka_topic":"t","kafka_partition":1},"offset":null}]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"The offsets for this connector have been altered successfully"})");
  auto call = herder_.last_call("alter_connector_offsets");
  ASSERT_EQ(call->offsets.size(), 2u);
  EXPECT_EQ(call->offsets[0].offset.as_map()[0].second, data::Value::int64(3));
  EXPECT_TRUE(call->offsets[1].offset.is_null());
  r = send("DELETE", "/connectors/a/offsets");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"The offsets for this connector have been reset successfully"})");
}

TEST_F(RoutesTest, AlterOffsetsInvalidBodiesFollowKafka) {
  add_connector("a");
  const std::string empty = "Partitions / offsets need to be provided for an alter offsets request";
  for (const char* body : {"{}", R"({"offsets": []})", R"({"offsets": null})"}) {
    auto r = send("PATCH", "/connectors/a/offsets", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body, error_json(400, empty)) << body;
  }
  struct Case {
    const char* body;
    const char* fragment;
  };
  for (const Case& c : {Case{"[]", "Cannot deserialize value"}, Case{R"({"key": []})", "Unrecognized field"},
                        Case{R"({"offsets": {}})", "Cannot deserialize value"},
                        Case{R"({"offsets": [123]})", "Cannot construct instance"},
                        Case{R"({"offsets": [{"key": "val"}]})", "Unrecognized field"},
                        Case{R"({"offsets": [{"partition": []}]})", "Cannot deserialize value"}}) {
    auto r = send("PATCH", "/connectors/a/offsets", c.body);
    EXPECT_EQ(r.status, 500) << c.body;
    EXPECT_NE(r.body.find(c.fragment), std::string::npos) << c.body << " -> " << r.body;
    EXPECT_EQ(r.body.rfind(R"({"error_code":500,"message":")", 0), 0u) << r.body;
  }
  herder_.fail("alter_connector_offsets", [] {
    throw BadRequestError(
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for "
        "the "
        "specified connector by issuing a 'PUT' request to the '/connectors/a/stop' endpoint");
  });
  auto r = send("PATCH", "/connectors/a/offsets", R"({"offsets":[{"partition":{},"offset":{}}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("STOPPED state"), std::string::npos);
}

// ---- 24-26: plugins ------------------------------------------------------------------------------------

TEST_F(RoutesTest, ConnectorPluginsListsSinksFirstAndHonoursConnectorsOnly) {
  auto r = get("/connector-plugins");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(
      r.body,
      R"([{"class":"org.apache.kafka.connect.file.FileStreamSinkConnector","type":"sink","version":"3.9.0"},)"
      R"({"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source","version":"3.9.0"}])");
  EXPECT_TRUE(herder_.last_call("connector_plugins")->flag);
  EXPECT_EQ(get("/connector-plugins/").body, r.body);
  r = get("/connector-plugins?connectorsOnly=false");
  EXPECT_FALSE(herder_.last_call("connector_plugins")->flag);
  EXPECT_EQ(
      r.body,
      R"([{"class":"org.apache.kafka.connect.file.FileStreamSinkConnector","type":"sink","version":"3.9.0"},)"
      R"({"class":"org.apache.kafka.connect.file.FileStreamSourceConnector","type":"source","version":"3.9.0"},)"
      R"({"class":"org.apache.kafka.connect.transforms.InsertField$Value","type":"transformation"},)"
      R"({"class":"org.apache.kafka.connect.json.JsonConverter","type":"converter","version":"3.9.0"}])");
}

TEST_F(RoutesTest, PluginConfigDefinition) {
  herder::ConfigKeyInfo key;
  key.name = "file";
  key.type = "STRING";
  key.default_value = std::nullopt;
  key.required = false;
  key.importance = "HIGH";
  key.documentation = "Source filename.";
  key.width = "NONE";
  key.display_name = "file";
  herder_.plugin_configs["FileStreamSource"] = {key};
  auto r = get("/connector-plugins/FileStreamSource/config");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"([{"name":"file","type":"STRING","required":false,"default_value":null,"importance":"HIGH",)"
            R"("documentation":"Source filename.","group":null,"width":"NONE","display_name":"file",)"
            R"("dependents":[],"order":-1}])");
  r = get("/connector-plugins/Nope/config");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "Unknown plugin Nope."));
}

TEST_F(RoutesTest, ValidateConfig) {
  herder_.validation.error_count = 0;
  herder_.validation.groups = {"Common"};
  auto r =
      send("PUT", "/connector-plugins/FileStreamSource/config/validate",
           R"({"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","tasks.max":1})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"name":"org.apache.kafka.connect.file.FileStreamSourceConnector","error_count":0,)"
                    R"("groups":["Common"],"configs":[]})");
  EXPECT_EQ(herder_.last_call("validate_connector_config")->config.at("tasks.max"), "1");
  // The alias rule: a trailing "Connector" is ignored on both sides.
  EXPECT_EQ(send("PUT", "/connector-plugins/FileStreamSourceConnector/config/validate",
                 R"({"connector.class":"FileStreamSource"})")
                .status,
            200);
  r = send("PUT", "/connector-plugins/FileStreamSink/config/validate",
           R"({"connector.class":"FileStreamSource"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      r.body,
      error_json(400, "Included connector type FileStreamSource does not match request type FileStreamSink"));
}

TEST_F(RoutesTest, ValidateConfigReportsNullValues) {
  herder::ConfigInfo topic;
  topic.value.name = "topic";
  herder_.validation.configs = {topic};
  auto r = send("PUT", "/connector-plugins/FileStreamSource/config/validate",
                R"({"connector.class":"FileStreamSource","topic":null,"other":null})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"({"name":"FileStreamSource","error_count":2,"groups":[],"configs":[)"
            R"({"definition":null,"value":{"name":"topic","value":null,"recommended_values":[],)"
            R"("errors":["Null value can not be supplied as the configuration value."],"visible":true}},)"
            R"({"definition":null,"value":{"name":"other","value":null,"recommended_values":[],)"
            R"("errors":["Null value can not be supplied as the configuration value."],"visible":true}}]})");
  EXPECT_EQ(herder_.last_call("validate_connector_config")->config.count("topic"), 0u);
}

// ---- 27-29: loggers ------------------------------------------------------------------------------------

TEST_F(RoutesTest, LoggerLevels) {
  EXPECT_EQ(
      get("/admin/loggers").body,
      R"({"org.apache.kafka":{"level":"WARN","last_modified":1729800000000},"root":{"level":"INFO","last_modified":null}})");
  EXPECT_EQ(get("/admin/loggers/root").body, R"({"level":"INFO","last_modified":null})");
  auto r = get("/admin/loggers/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "Logger nope not found."));
}

TEST_F(RoutesTest, SetLoggerLevelWorkerAndClusterScope) {
  auto r = send("PUT", "/admin/loggers/org.apache.kafka.connect", R"({"level":"debug"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"(["org.apache.kafka.connect","org.apache.kafka.connect.child"])");
  auto call = herder_.last_call("set_logger_level");
  EXPECT_EQ(call->level, "debug");
  EXPECT_FALSE(call->flag);
  r = send("PUT", "/admin/loggers/org.apache.kafka.connect?scope=Cluster", R"({"level":"WARN"})");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(herder_.last_call("set_logger_level")->flag);
  r = send("PUT", "/admin/loggers/x?scope=galaxy", R"({"level":"WARN"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(herder_.last_call("set_logger_level")->flag);
  EXPECT_TRUE(wait_for_log({"warning", "invalid scope 'galaxy'"}));
}

TEST_F(RoutesTest, SetLoggerLevelErrors) {
  auto r = send("PUT", "/admin/loggers/x", R"({"lvl":"DEBUG"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, error_json(400, "Desired 'level' parameter was not specified in request."));
  r = send("PUT", "/admin/loggers/x", R"({"level":"LOUD"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, error_json(404, "invalid log level 'LOUD'."));
  EXPECT_FALSE(herder_.last_call("set_logger_level"));
}

// ---- routing -------------------------------------------------------------------------------------------

TEST_F(RoutesTest, UnknownPathIs404AndWrongMethodIs405) {
  auto r = get("/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"error_code":404,"message":"HTTP 404 Not Found"})");
  EXPECT_EQ(get("/connectors/a/bogus").status, 404);
  EXPECT_EQ(get("/connectors//status").status, 404);
  r = send("DELETE", "/connectors");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, R"({"error_code":405,"message":"HTTP 405 Method Not Allowed"})");
  EXPECT_EQ(r.header("allow"), "GET,POST");
  EXPECT_EQ(send("POST", "/connectors/a/pause").status, 405);
  EXPECT_EQ(send("GET", "/connectors/a/restart").status, 405);
}

TEST_F(RoutesTest, NonJsonContentTypeIs415) {
  auto r = http(port_, "POST", "/connectors", std::string("name=a"),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.body, R"({"error_code":415,"message":"HTTP 415 Unsupported Media Type"})");
  r = http(port_, "POST", "/connectors", std::string(R"({"name":"a","config":{}})"),
           {{"Content-Type", "application/json; charset=UTF-8"}});
  EXPECT_EQ(r.status, 201);
}

// ---- error mapping -------------------------------------------------------------------------------------

TEST_F(RoutesTest, EveryExceptionTypeMapsToKafkasStatus) {
  add_connector("a");
  struct Case {
    std::function<void()> thrower;
    int status;
    std::string body;
  };
  std::vector<Case> cases = {
      {[] { throw NotFoundError("nf"); }, 404, error_json(404, "nf")},
      {[] { throw AlreadyExistsError("ae"); }, 409, error_json(409, "ae")},
      {[] { throw BadRequestError("br"); }, 400, error_json(400, "br")},
      {[] {
         throw herder::ConflictError(
             "Cannot complete request momentarily due to stale configuration (typically caused by a "
             "concurrent config change)");
       },
       409,
       error_json(409,
                  "Cannot complete request momentarily due to stale configuration (typically caused by a "
                  "concurrent config change)")},
      {[] { throw herder::RestError(403, "Topic tracking reset is disabled."); }, 403,
       error_json(403, "Topic tracking reset is disabled.")},
      {[] { throw ConfigError("Invalid value x for configuration y"); }, 500,
       error_json(500, "Invalid value x for configuration y")},
      {[] { throw DataError("bad data"); }, 500, error_json(500, "bad data")},
      {[] { throw ConnectError("Failed to find any class that implements Connector"); }, 500,
       error_json(500, "Failed to find any class that implements Connector")},
      {[] { throw std::runtime_error("boom"); }, 500, error_json(500, "boom")},
      {[] { throw 42; }, 500, R"({"error_code":500,"message":null})"},
  };
  for (const auto& c : cases) {
    herder_.fail("connector_info", c.thrower);
    auto r = get("/connectors/a");
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_EQ(r.body, c.body);
  }
}

}  // namespace
}  // namespace sluice::rest::testing
