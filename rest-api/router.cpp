#include "rest-api/router.hpp"

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/herder/herder.hpp"
#include "core/herder/request_signature.hpp"
#include "rest-api/entities.hpp"
#include "rest-api/error_mapper.hpp"
#include "rest-api/json_input.hpp"
#include "rest-api/url.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <functional>

namespace sluice::rest {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.rest");
  return instance;
}

struct Context {
  herder::Herder& herder;
  const HttpRequest& request;
  const Target& target;
  std::vector<std::string> params;  // decoded path parameters, in path order

  std::vector<std::string> query_all(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [k, v] : target.query) {
      if (k == name) values.push_back(v);
    }
    return values;
  }
  std::optional<std::string> query(std::string_view name) const {
    for (const auto& [k, v] : target.query) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
  bool query_flag(std::string_view name, bool default_value) const {
    auto value = query(name);
    return value ? parse_java_boolean(*value) : default_value;
  }
  Json body() const { return parse_json_body(request.body); }
};

using Handler = std::function<HttpResponse(const Context&)>;

struct Route {
  std::vector<std::string> pattern;  // literal segments, or "{}" for a parameter
  std::string method;
  Handler handler;
};

HttpResponse json_response(int status, const Json& body) {
  return HttpResponse{status, dump(body), {}};
}
HttpResponse ok(const Json& body) {
  return json_response(200, body);
}
HttpResponse no_entity(int status) {
  return HttpResponse{status, std::nullopt, {}};
}

HttpResponse routing_error(int status) {
  return HttpResponse{status, error_body(status, routing_error_message(status)), {}};
}

// java.lang.String.trim(): strips every char <= U+0020 at both ends.
std::string java_trim(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= 0x20) text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= 0x20) text.remove_suffix(1);
  return std::string(text);
}

std::string location(const Context& ctx, const std::string& name) {
  return ctx.request.base_url + "/connectors/" + encode_path(name);
}

// Kafka's checkAndPutConnectorConfigName, plus the null-value rule. A `name` that is null counts as absent
// (Kafka's map.get returns null for both). Any other null value is rejected here with the text Kafka's
// herder produces for a config whose only errors are null values, because the Herder interface takes
// plain strings.
herder::StringMap check_and_put_name(const std::string& name, config::RawConfig config) {
  auto it = config.find("name");
  if (it != config.end() && it->second) {
    if (*it->second != name) {
      throw BadRequestError("Connector name configuration (" + *it->second +
                            ") doesn't match connector name in the URL (" + name + ")");
    }
  } else {
    config["name"] = name;
  }
  herder::StringMap out;
  int nulls = 0;
  for (auto& [key, value] : config) {
    if (value) {
      out.emplace(key, std::move(*value));
    } else {
      ++nulls;
    }
  }
  if (nulls > 0) {
    std::string message = "Connector configuration is invalid and contains the following " +
                          std::to_string(nulls) + " error(s):";
    for (int i = 0; i < nulls; ++i) message += "\nNull value can not be supplied as the configuration value.";
    message +=
        "\nYou can also find the above list of errors at the endpoint "
        "`/connector-plugins/{connectorType}/config/validate`";
    throw BadRequestError(message);
  }
  return out;
}

std::optional<int> parse_task_id(const std::string& text) {
  std::string_view view = text;
  if (!view.empty() && view.front() == '+') view.remove_prefix(1);
  int value = 0;
  auto [ptr, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (view.empty() || ec != std::errc() || ptr != view.data() + view.size()) return std::nullopt;
  return value;
}

int plugin_type_rank(const std::string& type) {
  static const std::vector<std::string> order = {"sink",      "source",    "transformation",
                                                 "predicate", "converter", "header_converter"};
  auto it = std::find(order.begin(), order.end(), type);
  return static_cast<int>(it - order.begin());
}

// ConnectorPluginsResource.normalizedPluginName: drop a trailing "Connector" (when something precedes it).
std::string normalized_plugin_name(const std::string& name) {
  const std::string suffix = "Connector";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---- handlers -----------------------------------------------------------------------------------------

HttpResponse list_connectors(const Context& ctx) {
  auto names = ctx.herder.connectors();
  auto expansions = ctx.query_all("expand");
  if (expansions.empty()) return ok(Json(names));
  Json out = Json::object();
  for (const auto& name : names) {
    try {
      Json entry = Json::object();
      for (const auto& expansion : expansions) {
        if (expansion == "status") {
          entry["status"] = to_json(ctx.herder.connector_status(name));
        } else if (expansion == "info") {
          entry["info"] = to_json(ctx.herder.connector_info(name));
        } else {
          logger()->info("Ignoring unknown expansion type {}", expansion);
        }
      }
      out[name] = std::move(entry);
    } catch (const NotFoundError&) {
      // Removed while we were looking it up: leave it out, as Kafka does.
      logger()->debug("Unable to get connector info for {} on this worker", name);
    }
  }
  return ok(out);
}

HttpResponse create_connector(const Context& ctx) {
  CreateConnectorRequest request = parse_create_request(ctx.body());
  std::string name = java_trim(request.name.value_or(""));
  if (!request.config) {
    throw BadRequestError("The request body for creating connector " + name +
                          " has no 'config' object; send {\"name\": \"<name>\", \"config\": {...}}");
  }
  herder::StringMap config = check_and_put_name(name, std::move(*request.config));
  auto result = ctx.herder.put_connector_config(name, config, false, request.initial_state);
  HttpResponse response = json_response(201, to_json(result.info));
  response.headers.emplace_back("Location", location(ctx, name));
  return response;
}

HttpResponse put_connector_config(const Context& ctx) {
  const std::string& name = ctx.params[0];
  herder::StringMap config = check_and_put_name(name, parse_string_map(ctx.body()));
  auto result = ctx.herder.put_connector_config(name, config, true, std::nullopt);
  if (!result.created) return ok(to_json(result.info));
  HttpResponse response = json_response(201, to_json(result.info));
  response.headers.emplace_back("Location", location(ctx, name));
  return response;
}

HttpResponse patch_connector_config(const Context& ctx) {
  herder::PatchMap patch;
  for (auto& [key, value] : parse_string_map(ctx.body())) patch.emplace(key, std::move(value));
  return ok(to_json(ctx.herder.patch_connector_config(ctx.params[0], patch)));
}

HttpResponse connector_status(const Context& ctx) {
  auto status = ctx.herder.connector_status(ctx.params[0]);
  std::stable_sort(status.tasks.begin(), status.tasks.end(),
                   [](const auto& a, const auto& b) { return a.id < b.id; });
  return ok(to_json(status));
}

std::vector<herder::TaskInfo> sorted_tasks(const Context& ctx) {
  auto tasks = ctx.herder.task_configs(ctx.params[0]);
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const auto& a, const auto& b) { return a.id.task < b.id.task; });
  return tasks;
}

HttpResponse tasks_config(const Context& ctx) {
  logger()->warn(
      "The 'GET /connectors/{{connector}}/tasks-config' endpoint is deprecated (KIP-970) and will be removed "
      "in a "
      "future release; use 'GET /connectors/{{connector}}/tasks' instead.");
  return ok(tasks_config_json(sorted_tasks(ctx)));
}

std::optional<ConnectorTaskId> task_id(const Context& ctx) {
  auto task = parse_task_id(ctx.params[1]);
  if (!task) return std::nullopt;
  return ConnectorTaskId{ctx.params[0], *task};
}

HttpResponse task_status(const Context& ctx) {
  auto id = task_id(ctx);
  if (!id) return routing_error(404);  // JAX-RS: an Integer path parameter that does not parse is a 404
  return ok(to_json(ctx.herder.task_status(*id)));
}

HttpResponse restart_task(const Context& ctx) {
  auto id = task_id(ctx);
  if (!id) return routing_error(404);
  ctx.herder.restart_task(*id);
  return no_entity(204);
}

HttpResponse restart_connector(const Context& ctx) {
  herder::RestartRequest request{ctx.params[0], ctx.query_flag("onlyFailed", false),
                                 ctx.query_flag("includeTasks", false)};
  auto plan = ctx.herder.restart_connector(request);
  // Kafka answers a plain restart (both flags false) with 204 and no body, whatever the herder returns.
  if (!request.only_failed && !request.include_tasks) return no_entity(204);
  if (!plan) return no_entity(202);
  return json_response(202, to_json(*plan));
}

// Internal (Kafka's ConnectorsResource.putTaskConfigs): a worker hands the leader the task configs its
// connector generated. The body is a JSON array of string maps.
HttpResponse put_task_configs(const Context& ctx) {
  const Json body = ctx.body();
  if (!body.is_array()) throw BadRequestError("Task configs must be a JSON array of objects");
  std::vector<herder::StringMap> configs;
  for (const auto& element : body) {
    herder::StringMap config;
    for (auto& [key, value] : parse_string_map(element)) {
      if (!value) throw BadRequestError("Null value can not be supplied as the configuration value.");
      config.emplace(key, std::move(*value));
    }
    configs.push_back(std::move(config));
  }
  std::optional<herder::InternalRequestSignature> signature;
  if (!ctx.request.connect_signature.empty()) {
    signature = herder::InternalRequestSignature{ctx.request.connect_signature_algorithm, ctx.request.connect_signature,
                                                 ctx.request.body};
  }
  ctx.herder.put_task_configs(ctx.params[0], configs, signature);
  return no_entity(204);
}

HttpResponse alter_offsets(const Context& ctx) {
  auto offsets = parse_offsets(ctx.body());
  if (!offsets || offsets->empty()) {
    throw BadRequestError("Partitions / offsets need to be provided for an alter offsets request");
  }
  return ok(message_json(ctx.herder.alter_connector_offsets(ctx.params[0], *offsets)));
}

HttpResponse list_plugins(const Context& ctx) {
  auto plugins = ctx.herder.connector_plugins(ctx.query_flag("connectorsOnly", true));
  std::stable_sort(plugins.begin(), plugins.end(), [](const auto& a, const auto& b) {
    return plugin_type_rank(a.type) < plugin_type_rank(b.type);
  });
  Json out = Json::array();
  for (const auto& plugin : plugins) out.push_back(to_json(plugin));
  return ok(out);
}

HttpResponse plugin_config(const Context& ctx) {
  Json out = Json::array();
  for (const auto& key : ctx.herder.plugin_config(ctx.params[0])) out.push_back(to_json(key));
  return ok(out);
}

HttpResponse validate_config(const Context& ctx) {
  const std::string& plugin = ctx.params[0];
  config::RawConfig raw = parse_string_map(ctx.body());
  if (auto it = raw.find("connector.class"); it != raw.end() && it->second) {
    if (!ends_with(normalized_plugin_name(*it->second), normalized_plugin_name(plugin))) {
      throw BadRequestError("Included connector type " + *it->second + " does not match request type " +
                            plugin);
    }
  }
  herder::StringMap config;
  std::vector<std::string> null_keys;
  for (auto& [key, value] : raw) {
    if (value) {
      config.emplace(key, *value);
    } else {
      null_keys.push_back(key);
    }
  }
  herder::ConfigInfos infos = ctx.herder.validate_connector_config(config);
  // The Herder interface takes plain strings, so the null-value errors Kafka's herder adds are added here,
  // the same way (config::add_null_value_errors): on the key's entry, or as a new entry without definition.
  const std::string null_error = "Null value can not be supplied as the configuration value.";
  for (const auto& key : null_keys) {
    auto it = std::find_if(infos.configs.begin(), infos.configs.end(),
                           [&](const herder::ConfigInfo& c) { return c.value.name == key; });
    if (it == infos.configs.end()) {
      herder::ConfigInfo info;
      info.value.name = key;
      infos.configs.push_back(std::move(info));
      it = std::prev(infos.configs.end());
    }
    it->value.errors.push_back(null_error);
    ++infos.error_count;
  }
  return ok(to_json(infos));
}

HttpResponse list_loggers(const Context& ctx) {
  Json out = Json::object();
  for (const auto& [name, level] : ctx.herder.logger_levels()) out[name] = to_json(level);
  return ok(out);
}

HttpResponse set_logger(const Context& ctx) {
  const std::string& logger_name = ctx.params[0];
  config::RawConfig body = parse_string_map(ctx.body());
  auto it = body.find("level");
  if (it == body.end() || !it->second) {
    throw BadRequestError("Desired 'level' parameter was not specified in request.");
  }
  const std::string& level = *it->second;
  static const std::vector<std::string> log4j_levels = {"OFF",  "FATAL", "ERROR", "WARN",
                                                        "INFO", "DEBUG", "TRACE", "ALL"};
  std::string upper = level;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (std::find(log4j_levels.begin(), log4j_levels.end(), upper) == log4j_levels.end()) {
    throw NotFoundError("invalid log level '" + level + "'.");
  }
  std::string scope = to_lower(ctx.query("scope").value_or("worker"));
  if (scope != "worker" && scope != "cluster") {
    logger()->warn("Received invalid scope '{}' in request to adjust logging level; will default to worker.",
                   scope);
    scope = "worker";
  }
  if (scope == "cluster") {
    ctx.herder.set_logger_level(logger_name, level, true);
    return no_entity(204);
  }
  return ok(Json(ctx.herder.set_logger_level(logger_name, level, false)));
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table = [] {
    std::vector<Route> r;
    auto add = [&r](std::vector<std::string> pattern, std::string method, Handler handler) {
      r.push_back(Route{std::move(pattern), std::move(method), std::move(handler)});
    };
    const std::string P = "{}";
    add({}, "GET", [](const Context& c) { return ok(to_json(c.herder.server_info())); });
    add({"health"}, "GET", [](const Context& c) {
      auto health = c.herder.health();
      return json_response(health.http_status, to_json(health));
    });
    add({"connectors"}, "GET", list_connectors);
    add({"connectors"}, "POST", create_connector);
    add({"connectors", P}, "GET",
        [](const Context& c) { return ok(to_json(c.herder.connector_info(c.params[0]))); });
    add({"connectors", P}, "DELETE", [](const Context& c) {
      c.herder.delete_connector(c.params[0]);
      return no_entity(204);
    });
    add({"connectors", P, "config"}, "GET",
        [](const Context& c) { return ok(string_map_json(c.herder.connector_config(c.params[0]))); });
    add({"connectors", P, "config"}, "PUT", put_connector_config);
    add({"connectors", P, "config"}, "PATCH", patch_connector_config);
    add({"connectors", P, "status"}, "GET", connector_status);
    add({"connectors", P, "tasks"}, "GET", [](const Context& c) { return ok(to_json(sorted_tasks(c))); });
    add({"connectors", P, "tasks"}, "POST", put_task_configs);
    add({"connectors", P, "tasks-config"}, "GET", tasks_config);
    add({"connectors", P, "tasks", P, "status"}, "GET", task_status);
    add({"connectors", P, "tasks", P, "restart"}, "POST", restart_task);
    add({"connectors", P, "restart"}, "POST", restart_connector);
    add({"connectors", P, "pause"}, "PUT", [](const Context& c) {
      c.herder.pause_connector(c.params[0]);
      return no_entity(202);
    });
    add({"connectors", P, "resume"}, "PUT", [](const Context& c) {
      c.herder.resume_connector(c.params[0]);
      return no_entity(202);
    });
    add({"connectors", P, "stop"}, "PUT", [](const Context& c) {
      c.herder.stop_connector(c.params[0]);
      return no_entity(204);
    });
    add({"connectors", P, "topics"}, "GET", [](const Context& c) {
      return ok(active_topics_json(c.params[0], c.herder.active_topics(c.params[0])));
    });
    add({"connectors", P, "topics", "reset"}, "PUT", [](const Context& c) {
      c.herder.reset_active_topics(c.params[0]);
      return no_entity(202);
    });
    add({"connectors", P, "offsets"}, "GET",
        [](const Context& c) { return ok(offsets_json(c.herder.connector_offsets(c.params[0]))); });
    add({"connectors", P, "offsets"}, "PATCH", alter_offsets);
    add({"connectors", P, "offsets"}, "DELETE",
        [](const Context& c) { return ok(message_json(c.herder.reset_connector_offsets(c.params[0]))); });
    add({"connector-plugins"}, "GET", list_plugins);
    add({"connector-plugins", P, "config"}, "GET", plugin_config);
    add({"connector-plugins", P, "config", "validate"}, "PUT", validate_config);
    add({"admin", "loggers"}, "GET", list_loggers);
    add({"admin", "loggers", P}, "GET",
        [](const Context& c) { return ok(to_json(c.herder.logger_level(c.params[0]))); });
    add({"admin", "loggers", P}, "PUT", set_logger);
    return r;
  }();
  return table;
}

std::optional<std::vector<std::string>> match(const Route& route, const std::vector<std::string>& segments) {
  if (route.pattern.size() != segments.size()) return std::nullopt;
  std::vector<std::string> params;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (route.pattern[i] == "{}") {
      if (segments[i].empty()) return std::nullopt;
      params.push_back(segments[i]);
    } else if (route.pattern[i] != segments[i]) {
      return std::nullopt;
    }
  }
  return params;
}

bool is_json_media_type(const std::string& content_type) {
  std::string media = to_lower(trim(content_type.substr(0, content_type.find(';'))));
  return media == "application/json";
}

// Kafka's forwarding: relay the leader's answer, or fail with Kafka's exact 409 texts.
HttpResponse forward_to_leader(Forwarder& forwarder, const Context& ctx,
                               const herder::NotLeaderError& error) {
  auto forward = ctx.query("forward");
  if (forward && !parse_java_boolean(*forward)) {
    logger()->error(
        "Request '{} {}' failed because it couldn't find the target Connect worker within two hops "
        "(between workers).",
        ctx.request.method, ctx.target.path);
    throw herder::ConflictError(
        "Cannot complete request because of a conflicting operation (e.g. worker rebalance)");
  }
  if (error.leader_url().empty()) {
    throw herder::ConflictError(
        "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was "
        "underway.");
  }
  // Only the first worker (no forward flag) lets the leader forward once more: two hops at most.
  std::string url = error.leader_url();
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += ctx.target.path + "?forward=" + (forward ? "false" : "true");
  std::string_view raw_query = ctx.target.raw_query;
  std::size_t start = 0;
  while (start < raw_query.size()) {
    auto amp = raw_query.find('&', start);
    std::string_view pair =
        raw_query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    std::string key = percent_decode(pair.substr(0, pair.find('=')), true);
    if (!pair.empty() && key != "forward") url += "&" + std::string(pair);
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  logger()->debug("Forwarding request {} {}", ctx.request.method, url);
  ForwardResponse leader;
  try {
    ForwardRequest request{url, ctx.request.method, ctx.request.body, ctx.request.authorization, {}};
    if (!ctx.request.connect_signature.empty()) {
      request.headers.emplace_back(herder::kSignatureHeader, ctx.request.connect_signature);
      request.headers.emplace_back(herder::kSignatureAlgorithmHeader, ctx.request.connect_signature_algorithm);
    }
    leader = forwarder.forward(request);
  } catch (const TargetUnreachableError& e) {
    logger()->warn("Leader at {} refused the connection ({}); answering as with no known leader", error.leader_url(),
                   e.what());
    throw herder::ConflictError(
        "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was "
        "underway.");
  }
  if (leader.status >= 400) {
    std::optional<std::string> message;
    try {
      Json body = Json::parse(leader.body);
      if (body.is_object() && body.contains("message") && body["message"].is_string()) {
        message = body["message"].get<std::string>();
      }
    } catch (const nlohmann::json::exception&) {
      message = leader.body;  // not Kafka's error JSON; pass the text on
    }
    throw herder::RestError(leader.status, message.value_or(""));
  }
  if (leader.status < 200 || leader.status >= 300) {
    throw herder::RestError(
        500, "Unexpected status code when handling forwarded request: " + std::to_string(leader.status));
  }
  HttpResponse response;
  response.status = leader.status;
  if (leader.status != 204 && !leader.body.empty()) response.body = leader.body;
  if (leader.status == 201 && !ctx.params.empty()) {
    response.headers.emplace_back("Location", location(ctx, ctx.params[0]));
  } else if (leader.status == 201) {
    // POST /connectors: the name is in the leader's ConnectorInfo.
    try {
      Json info = Json::parse(leader.body);
      if (info.is_object() && info.contains("name") && info["name"].is_string()) {
        response.headers.emplace_back("Location", location(ctx, info["name"].get<std::string>()));
      }
    } catch (const nlohmann::json::exception&) {
    }
  }
  return response;
}

}  // namespace

HttpResponse Router::handle(herder::Herder* herder, const HttpRequest& request) const {
  if (herder == nullptr) return routing_error(404);
  Target target = parse_target(request.target);

  const Route* found = nullptr;
  std::vector<std::string> params;
  std::vector<std::string> allowed;
  for (const auto& route : routes()) {
    auto matched = match(route, target.segments);
    if (!matched) continue;
    allowed.push_back(route.method);
    if (route.method == request.method) {
      found = &route;
      params = std::move(*matched);
    }
  }
  if (allowed.empty()) return routing_error(404);
  if (found == nullptr) {
    HttpResponse response = routing_error(405);
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ",") + m;
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  // Every resource consumes application/json only (JAX-RS @Consumes); another declared type is a 415.
  bool sends_entity = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (sends_entity && !request.content_type.empty() && !is_json_media_type(request.content_type)) {
    return routing_error(415);
  }

  Context ctx{*herder, request, target, std::move(params)};
  try {
    try {
      return found->handler(ctx);
    } catch (const herder::NotLeaderError& e) {
      return forward_to_leader(forwarder_, ctx, e);
    }
  } catch (...) {
    ErrorResponse error = map_exception(std::current_exception());
    return HttpResponse{error.status, std::move(error.body), {}};
  }
}

}  // namespace sluice::rest
