#include "core/kafka/connect_protocol.hpp"

#include <algorithm>
#include <cctype>

#include "core/common/errors.hpp"

namespace sluice::kafka {
namespace {

using protocol::DecodeError;
using protocol::Reader;
using protocol::Writer;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Connector id -> task ids with kConnectorTask for the connector itself, in order of first appearance
// (Kafka uses a LinkedHashMap: connectors first, then tasks).
std::vector<std::pair<std::string, std::vector<std::int32_t>>> group_by_connector(
    const std::vector<std::string>& connectors, const std::vector<ConnectorTaskId>& tasks) {
  std::vector<std::pair<std::string, std::vector<std::int32_t>>> out;
  auto slot = [&out](const std::string& connector) -> std::vector<std::int32_t>& {
    for (auto& entry : out) {
      if (entry.first == connector) return entry.second;
    }
    out.emplace_back(connector, std::vector<std::int32_t>{});
    return out.back().second;
  };
  for (const std::string& c : connectors) {
    auto& ids = slot(c);
    if (std::find(ids.begin(), ids.end(), kConnectorTask) == ids.end()) ids.push_back(kConnectorTask);
  }
  for (const ConnectorTaskId& t : tasks) slot(t.connector).push_back(t.task);
  return out;
}

void write_connector_assignments(Writer& w, const std::vector<std::string>& connectors,
                                 const std::vector<ConnectorTaskId>& tasks) {
  const auto grouped = group_by_connector(connectors, tasks);
  w.array_length(grouped.size(), false);
  for (const auto& [connector, ids] : grouped) {
    w.string(connector);
    w.array_length(ids.size(), false);
    for (std::int32_t id : ids) w.int32(id);
  }
}

// Reads a nullable array of CONNECTOR_ASSIGNMENT (a null array adds nothing).
void read_connector_assignments(Reader& r, std::vector<std::string>& connectors,
                                std::vector<ConnectorTaskId>& tasks) {
  const auto n = r.array_length(false, 6);
  for (std::size_t i = 0; n && i < *n; ++i) {
    std::string connector = r.string();
    const auto ids = r.array_length(false, 4);
    for (std::size_t j = 0; ids && j < *ids; ++j) {
      const std::int32_t id = r.int32();
      if (id == kConnectorTask) {
        connectors.push_back(connector);
      } else {
        tasks.push_back(ConnectorTaskId{connector, id});
      }
    }
  }
}

std::int16_t read_header(Reader& r) {
  const std::int16_t version = r.int16();
  if (version < 0) throw DecodeError("Unsupported subscription version: " + std::to_string(version));
  return version;
}

}  // namespace

const char* connect_protocol_config_name(ConnectProtocol protocol) {
  switch (protocol) {
    case ConnectProtocol::Eager: return "eager";
    case ConnectProtocol::Compatible: return "compatible";
    case ConnectProtocol::Sessioned: return "sessioned";
  }
  return "eager";
}

const char* connect_protocol_wire_name(ConnectProtocol protocol) {
  switch (protocol) {
    case ConnectProtocol::Eager: return "default";
    case ConnectProtocol::Compatible: return "compatible";
    case ConnectProtocol::Sessioned: return "sessioned";
  }
  return "default";
}

std::int16_t connect_protocol_version(ConnectProtocol protocol) {
  switch (protocol) {
    case ConnectProtocol::Eager: return 0;
    case ConnectProtocol::Compatible: return 1;
    case ConnectProtocol::Sessioned: return 2;
  }
  return 0;
}

ConnectProtocol parse_connect_protocol(std::string_view config_value) {
  for (ConnectProtocol p :
       {ConnectProtocol::Eager, ConnectProtocol::Compatible, ConnectProtocol::Sessioned}) {
    if (iequals(config_value, connect_protocol_config_name(p))) return p;
  }
  throw ConfigError("Unknown Connect protocol compatibility mode: " + std::string(config_value));
}

std::optional<ConnectProtocol> connect_protocol_from_wire_name(std::string_view name) {
  for (ConnectProtocol p :
       {ConnectProtocol::Eager, ConnectProtocol::Compatible, ConnectProtocol::Sessioned}) {
    if (iequals(name, connect_protocol_wire_name(p))) return p;
  }
  return std::nullopt;
}

Bytes encode_connect_assignment(const ConnectAssignment& a, std::int16_t version) {
  Writer w;
  w.int16(version);
  w.int16(a.error);
  w.string(a.leader);
  w.string(a.leader_url);
  w.int64(a.config_offset);
  write_connector_assignments(w, a.connectors, a.tasks);
  if (version >= 1) {
    write_connector_assignments(w, a.revoked_connectors, a.revoked_tasks);
    w.int32(a.delay_ms);
  }
  return w.take();
}

ConnectAssignment decode_connect_assignment(std::span<const std::uint8_t> data) {
  Reader r(data);
  ConnectAssignment a;
  a.version = read_header(r);
  a.error = r.int16();
  a.leader = r.string();
  a.leader_url = r.string();
  a.config_offset = r.int64();
  // Every later field may be missing: an older (or eager) writer stops here and the defaults apply.
  if (!r.at_end()) read_connector_assignments(r, a.connectors, a.tasks);
  if (!r.at_end()) read_connector_assignments(r, a.revoked_connectors, a.revoked_tasks);
  if (!r.at_end()) a.delay_ms = r.int32();
  return a;
}

Bytes encode_connect_metadata(const ConnectWorkerState& state, std::int16_t version) {
  Writer w;
  w.int16(version);
  w.string(state.url);
  w.int64(state.config_offset);
  if (version >= 1) {
    if (state.assignment) {
      w.bytes(encode_connect_assignment(*state.assignment, version));
    } else {
      w.nullable_bytes(std::nullopt);
    }
  }
  return w.take();
}

ConnectWorkerState decode_connect_metadata(std::span<const std::uint8_t> data) {
  Reader r(data);
  read_header(r);
  ConnectWorkerState state;
  state.url = r.string();
  state.config_offset = r.int64();
  if (!r.at_end()) {
    if (auto allocation = r.nullable_bytes()) state.assignment = decode_connect_assignment(*allocation);
  }
  return state;
}

std::vector<protocol::JoinGroupProtocol> connect_join_protocols(ConnectProtocol mode,
                                                                const ConnectWorkerState& state) {
  std::vector<protocol::JoinGroupProtocol> out;
  if (mode == ConnectProtocol::Sessioned) {
    out.push_back(
        {connect_protocol_wire_name(ConnectProtocol::Sessioned), encode_connect_metadata(state, 2)});
  }
  if (mode != ConnectProtocol::Eager) {
    out.push_back(
        {connect_protocol_wire_name(ConnectProtocol::Compatible), encode_connect_metadata(state, 1)});
  }
  out.push_back({connect_protocol_wire_name(ConnectProtocol::Eager), encode_connect_metadata(state, 0)});
  return out;
}

}  // namespace sluice::kafka
