#include "rest-api/entities.hpp"

#include "core/common/errors.hpp"
#include "core/data/schema.hpp"
#include "rest-api/url.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace sluice::rest {
namespace {

constexpr const char* kEntities = "org.apache.kafka.connect.runtime.rest.entities.";
const std::string kCreateRequestClass = std::string(kEntities) + "CreateConnectorRequest";
const std::string kInitialStateClass = kCreateRequestClass + "$InitialState";
const std::string kOffsetsClass = std::string(kEntities) + "ConnectorOffsets";
const std::string kOffsetClass = std::string(kEntities) + "ConnectorOffset";
const std::string kStringMapType = "java.util.LinkedHashMap<java.lang.String,java.lang.String>";
const std::string kObjectMapType = "java.util.LinkedHashMap<java.lang.String,java.lang.Object>";
const std::string kOffsetListType = "java.util.ArrayList<" + kOffsetClass + ">";
const std::string kStringType = "java.lang.String";

// Where in the body a mapping error happened, in Jackson's "reference chain" notation.
class Path {
 public:
  Path() = default;
  Path field(const std::string& owner, const std::string& name) const {
    return append(owner + "[\"" + name + "\"]");
  }
  Path index(const std::string& owner, std::size_t i) const {
    return append(owner + "[" + std::to_string(i) + "]");
  }
  std::string suffix() const { return chain_.empty() ? "" : " (through reference chain: " + chain_ + ")"; }

 private:
  Path append(const std::string& link) const {
    Path p;
    p.chain_ = chain_.empty() ? link : chain_ + "->" + link;
    return p;
  }
  std::string chain_;
};

// Jackson's description of the token a value starts with.
std::string token_description(const Json& j) {
  if (j.is_object()) return "Object value (token `JsonToken.START_OBJECT`)";
  if (j.is_array()) return "Array value (token `JsonToken.START_ARRAY`)";
  if (j.is_string()) return "String value (token `JsonToken.VALUE_STRING`)";
  if (j.is_boolean())
    return std::string("Boolean value (token `JsonToken.VALUE_") + (j.get<bool>() ? "TRUE" : "FALSE") + "`)";
  if (is_decimal_number(j)) return "Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)";
  if (j.is_number()) return "Integer value (token `JsonToken.VALUE_NUMBER_INT`)";
  return "Null value (token `JsonToken.VALUE_NULL`)";
}

[[noreturn]] void cannot_deserialize(const std::string& type, const Json& j, const Path& path) {
  throw ConnectError("Cannot deserialize value of type `" + type + "` from " + token_description(j) +
                     path.suffix());
}

// A POJO (a class with a properties creator) given a scalar instead of an object.
[[noreturn]] void cannot_construct(const std::string& cls, const Json& j, const Path& path) {
  std::string argument;
  std::string value;
  if (j.is_string()) {
    argument = "String";
    value = "String value ('" + j.get<std::string>() + "')";
  } else if (j.is_boolean()) {
    argument = "boolean/Boolean";
    value = std::string("Boolean value (") + (j.get<bool>() ? "true" : "false") + ")";
  } else if (is_decimal_number(j)) {
    argument = "double/Double";
    value = "Floating-point value (" + decimal_text(j) + ")";
  } else {
    argument = "int/Int";
    value = "Number value (" + j.dump() + ")";
  }
  throw ConnectError("Cannot construct instance of `" + cls +
                     "` (although at least one Creator exists): no " + argument +
                     "-argument constructor/factory method to deserialize from " + value + path.suffix());
}

[[noreturn]] void unrecognized_field(const std::string& cls, const std::string& field,
                                     const std::vector<std::string>& known, const Path& path) {
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "\"" : ", \"") + k + "\"";
  std::string count =
      known.size() == 1 ? "one known property" : std::to_string(known.size()) + " known properties";
  // Jackson's text, including its unbalanced bracket.
  throw ConnectError("Unrecognized field \"" + field + "\" (class " + cls + "), not marked as ignorable (" +
                     count + ": " + list + "])" + path.field(cls, field).suffix());
}

void require_object(const std::string& cls, const Json& j, const Path& path) {
  if (j.is_object()) return;
  if (j.is_array()) cannot_deserialize(cls, j, path);
  cannot_construct(cls, j, path);
}

// Jackson's StringDeserializer: scalars become their text; containers are an error.
std::optional<std::string> as_string(const Json& j, const Path& path) {
  if (j.is_null()) return std::nullopt;
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (is_decimal_number(j)) return decimal_text(j);
  if (j.is_number()) return j.dump();
  cannot_deserialize(kStringType, j, path);
}

config::RawConfig string_map(const Json& j, const Path& path) {
  if (!j.is_object()) {
    if (j.is_array()) cannot_deserialize(kStringMapType, j, path);
    cannot_construct("java.util.LinkedHashMap", j, path);
  }
  config::RawConfig out;
  for (const auto& [key, value] : j.items()) {
    out[key] = as_string(value, path.field("java.util.LinkedHashMap", key));
  }
  return out;
}

Json state_fields(Json out, const herder::StateInfo& state) {
  out["state"] = state.state;
  out["worker_id"] = state.worker_id;
  if (state.trace && !state.trace->empty()) out["trace"] = *state.trace;
  return out;
}

const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const std::string& bytes) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out += {kBase64[(n >> 18) & 63], kBase64[(n >> 12) & 63], kBase64[(n >> 6) & 63], kBase64[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kBase64[(n >> 18) & 63], kBase64[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    unsigned n =
        (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kBase64[(n >> 18) & 63], kBase64[(n >> 12) & 63], kBase64[(n >> 6) & 63], '='};
  }
  return out;
}

std::string map_key_text(const data::Value& key) {
  if (key.kind() == data::Value::Kind::String) return key.as_string();
  return dump(value_to_json(key));
}

}  // namespace

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json string_map_json(const herder::StringMap& map) {
  Json out = Json::object();
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

Json to_json(const herder::ConnectorInfo& info) {
  Json out;
  out["name"] = info.name;
  out["config"] = string_map_json(info.config);
  Json tasks = Json::array();
  for (const auto& id : info.tasks) {
    Json t;
    t["connector"] = id.connector;
    t["task"] = id.task;
    tasks.push_back(std::move(t));
  }
  out["tasks"] = std::move(tasks);
  out["type"] = info.type;
  return out;
}

Json connector_state_json(const herder::StateInfo& state) {
  return state_fields(Json::object(), state);
}

Json to_json(const herder::TaskStateInfo& state) {
  Json out;
  out["id"] = state.id;
  return state_fields(std::move(out), state);
}

Json to_json(const herder::ConnectorStateInfo& info) {
  Json out;
  out["name"] = info.name;
  out["connector"] = connector_state_json(info.connector);
  Json tasks = Json::array();
  for (const auto& task : info.tasks) tasks.push_back(to_json(task));
  out["tasks"] = std::move(tasks);
  out["type"] = info.type;
  return out;
}

Json to_json(const std::vector<herder::TaskInfo>& tasks) {
  Json out = Json::array();
  for (const auto& task : tasks) {
    Json id;
    id["connector"] = task.id.connector;
    id["task"] = task.id.task;
    Json entry;
    entry["id"] = std::move(id);
    entry["config"] = string_map_json(task.config);
    out.push_back(std::move(entry));
  }
  return out;
}

Json tasks_config_json(const std::vector<herder::TaskInfo>& tasks) {
  Json out = Json::object();
  for (const auto& task : tasks) out[task.id.to_string()] = string_map_json(task.config);
  return out;
}

Json to_json(const herder::ConfigKeyInfo& key) {
  Json out;
  out["name"] = key.name;
  out["type"] = key.type;
  out["required"] = key.required;
  out["default_value"] = key.default_value ? Json(*key.default_value) : Json(nullptr);
  out["importance"] = key.importance;
  out["documentation"] = key.documentation;
  out["group"] = key.group ? Json(*key.group) : Json(nullptr);
  out["width"] = key.width;
  out["display_name"] = key.display_name;
  out["dependents"] = key.dependents;
  out["order"] = key.order;
  return out;
}

Json to_json(const herder::ConfigInfos& infos) {
  Json out;
  out["name"] = infos.name;
  out["error_count"] = infos.error_count;
  out["groups"] = infos.groups;
  Json configs = Json::array();
  for (const auto& config : infos.configs) {
    Json entry;
    entry["definition"] = config.definition ? to_json(*config.definition) : Json(nullptr);
    Json value;
    value["name"] = config.value.name;
    value["value"] = config.value.value ? Json(*config.value.value) : Json(nullptr);
    value["recommended_values"] = config.value.recommended_values;
    value["errors"] = config.value.errors;
    value["visible"] = config.value.visible;
    entry["value"] = std::move(value);
    configs.push_back(std::move(entry));
  }
  out["configs"] = std::move(configs);
  return out;
}

Json to_json(const herder::PluginDesc& plugin) {
  Json out;
  out["class"] = plugin.class_name;
  out["type"] = plugin.type;
  if (!plugin.version.empty()) out["version"] = plugin.version;
  return out;
}

Json to_json(const herder::ServerInfo& info) {
  Json out;
  out["version"] = info.version;
  out["commit"] = info.commit;
  out["kafka_cluster_id"] = info.kafka_cluster_id;
  return out;
}

Json to_json(const herder::HealthInfo& health) {
  Json out;
  out["status"] = health.status;
  out["message"] = health.message;
  return out;
}

Json to_json(const herder::LoggerLevel& level) {
  Json out;
  out["level"] = level.level;
  out["last_modified"] = level.last_modified ? Json(*level.last_modified) : Json(nullptr);
  return out;
}

Json value_to_json(const data::Value& value) {
  using Kind = data::Value::Kind;
  switch (value.kind()) {
    case Kind::Null: return Json(nullptr);
    case Kind::Boolean: return Json(value.as_bool());
    case Kind::Int8:
    case Kind::Int16:
    case Kind::Int32:
    case Kind::Int64: return Json(value.to_int64());
    case Kind::Float32:
    case Kind::Float64: return Json(value.to_double());
    case Kind::String: return Json(value.as_string());
    case Kind::Bytes: return Json(base64(value.as_bytes()));  // Jackson writes byte[] as base64
    case Kind::Array: {
      Json out = Json::array();
      for (const auto& item : value.as_array()) out.push_back(value_to_json(item));
      return out;
    }
    case Kind::Map: {
      Json out = Json::object();
      for (const auto& [k, v] : value.as_map()) out[map_key_text(k)] = value_to_json(v);
      return out;
    }
    case Kind::Struct: {
      Json out = Json::object();
      const auto& s = value.as_struct();
      for (const auto& field : s.schema()->fields()) out[field.name] = value_to_json(s.get(field.index));
      return out;
    }
  }
  return Json(nullptr);
}

Json offsets_json(const std::vector<herder::ConnectorOffset>& offsets) {
  Json list = Json::array();
  for (const auto& offset : offsets) {
    Json entry;
    entry["partition"] = value_to_json(offset.partition);
    entry["offset"] = value_to_json(offset.offset);
    list.push_back(std::move(entry));
  }
  Json out;
  out["offsets"] = std::move(list);
  return out;
}

Json active_topics_json(const std::string& connector, const std::set<std::string>& topics) {
  Json info;
  info["topics"] = Json::array();
  for (const auto& t : topics) info["topics"].push_back(t);
  Json out;
  out[connector] = std::move(info);
  return out;
}

Json message_json(const std::string& message) {
  Json out;
  out["message"] = message;
  return out;
}

data::Value json_to_value(const Json& json) {
  if (json.is_null()) return data::Value();
  if (json.is_boolean()) return data::Value::boolean(json.get<bool>());
  if (is_decimal_number(json)) return data::Value::float64(decimal_value(json));
  if (json.is_number_unsigned()) {
    auto v = json.get<std::uint64_t>();
    // Beyond int64 Jackson would produce a BigInteger; the closest Connect type is a double.
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return data::Value::float64(static_cast<double>(v));
    return data::Value::int64(static_cast<std::int64_t>(v));
  }
  if (json.is_number_integer()) return data::Value::int64(json.get<std::int64_t>());
  if (json.is_string()) return data::Value::string(json.get<std::string>());
  if (json.is_array()) {
    data::Value::Array items;
    for (const auto& item : json) items.push_back(json_to_value(item));
    return data::Value::array(std::move(items));
  }
  if (json.is_object()) {
    data::Value::Map entries;
    for (const auto& [k, v] : json.items()) entries.emplace_back(data::Value::string(k), json_to_value(v));
    return data::Value::map(std::move(entries));
  }
  return data::Value();
}

CreateConnectorRequest parse_create_request(const Json& body) {
  Path root;
  require_object(kCreateRequestClass, body, root);
  CreateConnectorRequest request;
  for (const auto& [key, value] : body.items()) {
    Path at = root.field(kCreateRequestClass, key);
    if (key == "name") {
      request.name = as_string(value, at);
    } else if (key == "config") {
      if (!value.is_null()) request.config = string_map(value, at);
    } else if (key == "initial_state") {
      auto text = as_string(value, at);
      if (!text) continue;
      std::string upper = *text;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      if (upper == "RUNNING") {
        request.initial_state = TargetState::Started;
      } else if (upper == "PAUSED") {
        request.initial_state = TargetState::Paused;
      } else if (upper == "STOPPED") {
        request.initial_state = TargetState::Stopped;
      } else {
        throw ConnectError("Cannot construct instance of `" + kInitialStateClass +
                           "`, problem: No enum constant " + std::string(kEntities) +
                           "CreateConnectorRequest.InitialState." + upper + at.suffix());
      }
    } else {
      unrecognized_field(kCreateRequestClass, key, {"name", "config", "initial_state"}, root);
    }
  }
  return request;
}

config::RawConfig parse_string_map(const Json& body) {
  return string_map(body, Path());
}

std::optional<std::vector<herder::ConnectorOffset>> parse_offsets(const Json& body) {
  Path root;
  require_object(kOffsetsClass, body, root);
  std::optional<std::vector<herder::ConnectorOffset>> result;
  for (const auto& [key, value] : body.items()) {
    if (key != "offsets") unrecognized_field(kOffsetsClass, key, {"offsets"}, root);
    Path list_path = root.field(kOffsetsClass, "offsets");
    if (value.is_null()) {
      result.reset();
      continue;
    }
    if (!value.is_array()) cannot_deserialize(kOffsetListType, value, list_path);
    std::vector<herder::ConnectorOffset> offsets;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const Json& entry = value[i];
      Path entry_path = list_path.index("java.util.ArrayList", i);
      if (entry.is_null()) {
        offsets.emplace_back();  // Jackson keeps a null element; the herder rejects it
        continue;
      }
      require_object(kOffsetClass, entry, entry_path);
      herder::ConnectorOffset offset;
      for (const auto& [field, map] : entry.items()) {
        if (field != "partition" && field != "offset") {
          unrecognized_field(kOffsetClass, field, {"partition", "offset"}, entry_path);
        }
        Path map_path = entry_path.field(kOffsetClass, field);
        if (!map.is_null() && !map.is_object()) {
          if (map.is_array()) cannot_deserialize(kObjectMapType, map, map_path);
          cannot_construct("java.util.LinkedHashMap", map, map_path);
        }
        (field == "partition" ? offset.partition : offset.offset) = json_to_value(map);
      }
      offsets.push_back(std::move(offset));
    }
    result = std::move(offsets);
  }
  return result;
}

}  // namespace sluice::rest
