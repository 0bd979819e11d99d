#include "rabbitmq_config.hpp"

#include <amqp.h>

#include <array>
#include <utility>

namespace sluice::rabbitmq {

namespace {

using CD = sdk::ConfigDef;

constexpr const char* kConnectionGroup = "Connection";
constexpr const char* kSecurityGroup = "Security";
constexpr const char* kSourceGroup = "Source";
constexpr const char* kMessageGroup = "Message";

// Class names other RabbitMQ source connectors use for their message converters, mapped to ours.
struct FormatName {
  const char* name;
  MessageFormat format;
};
constexpr std::array<FormatName, 9> kFormatNames = {{
    {"bytes", MessageFormat::Bytes},
    {"string", MessageFormat::String},
    {"envelope", MessageFormat::Envelope},
    {"com.github.jcustenborder.kafka.connect.rabbitmq.source.data.BytesSourceMessageConverter",
     MessageFormat::Bytes},
    {"com.github.jcustenborder.kafka.connect.rabbitmq.source.data.StringSourceMessageConverter",
     MessageFormat::String},
    {"com.github.jcustenborder.kafka.connect.rabbitmq.source.data.MessageConverter", MessageFormat::Envelope},
    {"com.github.themeetgroup.kafka.connect.rabbitmq.source.data.BytesSourceMessageConverter",
     MessageFormat::Bytes},
    {"com.github.themeetgroup.kafka.connect.rabbitmq.source.data.StringSourceMessageConverter",
     MessageFormat::String},
    {"com.github.themeetgroup.kafka.connect.rabbitmq.source.data.MessageConverter", MessageFormat::Envelope},
}};

std::optional<MessageFormat> format_of(const std::string& value) {
  for (const auto& f : kFormatNames)
    if (sdk::detail::equals_ignore_case(value, f.name)) return f.format;
  return std::nullopt;
}

void check_message_converter(const std::string& name, const std::optional<std::string>& value) {
  if (!value || value->empty()) return;  // null / empty: the default, raw bytes
  if (!format_of(*value))
    throw sdk::ConfigError(name, *value,
                           "Expected bytes, string or envelope (or one of jcustenborder's message converter "
                           "class names)");
}

// The parts of an amqp:// or amqps:// URI; strings are decoded.
struct ParsedUri {
  std::string host;
  int port = 5672;
  std::string username;
  std::string password;
  std::string virtual_host;
  bool tls = false;
};

std::optional<ParsedUri> parse_uri(const std::string& uri) {
  std::string buffer = uri;  // amqp_parse_url decodes in place
  amqp_connection_info info{};
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) return std::nullopt;
  ParsedUri out;
  out.host = info.host != nullptr ? info.host : "";
  out.port = info.port;
  out.username = info.user != nullptr ? info.user : "";
  out.password = info.password != nullptr ? info.password : "";
  out.virtual_host = info.vhost != nullptr ? info.vhost : "";
  out.tls = info.ssl != 0;
  return out;
}

void check_uri(const std::string& name, const std::optional<std::string>& value) {
  if (!value || value->empty()) return;
  // The URI may hold a password: it is never echoed.
  if (!parse_uri(*value))
    throw sdk::ConfigError(
        name, "[hidden]", "Expected an AMQP URI such as amqp://user:password@host:5672/vhost or amqps://...");
}

CD build_def() {
  CD def;
  auto key = [&](std::string name, CD::Type type, CD::DefaultValue dflt, CD::Validator validator,
                 CD::Importance importance, std::string doc, const char* group, std::int32_t order,
                 std::string display) {
    def.define(CD::Key{.name = std::move(name),
                       .type = type,
                       .default_value = std::move(dflt),
                       .validator = std::move(validator),
                       .importance = importance,
                       .documentation = std::move(doc),
                       .group = std::string(group),
                       .order_in_group = order,
                       .width = CD::Width::Medium,
                       .display_name = std::move(display)});
  };
  using I = CD::Importance;
  using T = CD::Type;
  int order = 0;
  // Connection (Confluent's and jcustenborder's names and defaults).
  key(keys::kHost, T::String, "localhost", {}, I::High, "The RabbitMQ host to connect to.", kConnectionGroup,
      ++order, "Host");
  key(keys::kPassword, T::Password, "guest", {}, I::High, "The password to authenticate to RabbitMQ with.",
      kConnectionGroup, ++order, "Password");
  key(keys::kUsername, T::String, "guest", {}, I::High, "The username to authenticate to RabbitMQ with.",
      kConnectionGroup, ++order, "Username");
  key(keys::kVirtualHost, T::String, "/", {}, I::High,
      "The virtual host to use when connecting to the broker.", kConnectionGroup, ++order, "Virtual host");
  key(keys::kPort, T::Int, 5672, CD::between(1, 65535), I::Medium, "The RabbitMQ port to connect to.",
      kConnectionGroup, ++order, "Port");
  key(keys::kUri, T::Password, nullptr, CD::custom<&check_uri>(), I::Medium,
      "An AMQP URI (amqp://user:password@host:port/vhost, or amqps:// for TLS). When set, its host, port, "
      "credentials, virtual host and scheme replace rabbitmq.host, rabbitmq.port, rabbitmq.username, "
      "rabbitmq.password, rabbitmq.virtual.host and rabbitmq.security.protocol.",
      kConnectionGroup, ++order, "URI");
  key(keys::kAutomaticRecovery, T::Boolean, true, {}, I::Low,
      "Enables or disables automatic connection recovery. When enabled, a lost connection is re-established "
      "with backoff (the task stays RUNNING); when disabled, the task fails.",
      kConnectionGroup, ++order, "Automatic recovery");
  key(keys::kConnectionTimeout, T::Int, 60000, CD::at_least(0), I::Low,
      "Connection TCP establishment timeout in milliseconds. zero for infinite.", kConnectionGroup, ++order,
      "Connection timeout");
  key(keys::kHandshakeTimeout, T::Int, 10000, CD::at_least(0), I::Low,
      "The AMQP0-9-1 protocol handshake timeout, in milliseconds.", kConnectionGroup, ++order,
      "Handshake timeout");
  key(keys::kRecoveryInterval, T::Int, 10000, CD::at_least(0), I::Low,
      "The longest wait, in milliseconds, between two attempts to recover a lost connection (attempts back "
      "off exponentially from 100 ms up to this value).",
      kConnectionGroup, ++order, "Network recovery interval");
  key(keys::kChannelMax, T::Int, 0, CD::between(0, 65535), I::Low,
      "Initially requested maximum channel number. Zero for unlimited.", kConnectionGroup, ++order,
      "Requested channel max");
  key(keys::kFrameMax, T::Int, 0, CD::at_least(0), I::Low,
      "Initially requested maximum frame size, in octets. Zero for unlimited.", kConnectionGroup, ++order,
      "Requested frame max");
  key(keys::kHeartbeat, T::Int, 60, CD::between(0, 65535), I::Low,
      "Set the requested heartbeat timeout, in seconds. Heartbeat frames are sent at about half the timeout "
      "interval; a connection silent for longer is considered lost and recovered.",
      kConnectionGroup, ++order, "Requested heartbeat");
  key(keys::kShutdownTimeout, T::Int, 10000, CD::at_least(0), I::Low,
      "How long, in milliseconds, stopping a task waits for the connection to close cleanly.",
      kConnectionGroup, ++order, "Shutdown timeout");
  key(keys::kTopologyRecovery, T::Boolean, true, {}, I::Low,
      "Accepted for compatibility. The task always re-establishes its channel, basic.qos and consumers "
      "after a recovered connection (it declares no other topology).",
      kConnectionGroup, ++order, "Topology recovery");
  // Security.
  order = 0;
  key(keys::kSecurityProtocol, T::String, "PLAINTEXT", CD::one_of({"PLAINTEXT", "SSL"}), I::Medium,
      "The protocol used to communicate with RabbitMQ: PLAINTEXT or SSL (TLS).", kSecurityGroup, ++order,
      "Security protocol");
  key(keys::kSslCa, T::String, nullptr, {}, I::Medium,
      "PEM file with the CA certificate(s) that sign the broker's certificate. Null: the system's default CA "
      "store.",
      kSecurityGroup, ++order, "CA certificate file");
  key(keys::kSslCertificate, T::String, nullptr, {}, I::Medium,
      "PEM file with the client certificate, for brokers that require one (with rabbitmq.ssl.key.location).",
      kSecurityGroup, ++order, "Client certificate file");
  key(keys::kSslKey, T::String, nullptr, {}, I::Medium,
      "PEM file with the client's private key (with rabbitmq.ssl.certificate.location).", kSecurityGroup,
      ++order, "Client key file");
  key(keys::kSslKeyPassword, T::Password, nullptr, {}, I::Medium,
      "The password of the client's private key, when it is encrypted.", kSecurityGroup, ++order,
      "Client key password");
  key(keys::kSslVerifyPeer, T::Boolean, true, {}, I::Medium,
      "Verify the broker's certificate against the CA certificates.", kSecurityGroup, ++order, "Verify peer");
  key(keys::kSslVerifyHostname, T::Boolean, true, {}, I::Medium,
      "Verify that the broker's certificate names the host connected to.", kSecurityGroup, ++order,
      "Verify hostname");
  // Source.
  order = 0;
  key(keys::kTopic, T::String, CD::no_default, CD::non_empty_string(), I::High,
      "Kafka topic to write the messages to.", kSourceGroup, ++order, "Kafka topic");
  key(keys::kQueue, T::List, CD::no_default, {}, I::High,
      "The RabbitMQ queues to consume from. Every task consumes every listed queue, so several tasks are "
      "competing consumers.",
      kSourceGroup, ++order, "Queues");
  key(keys::kPrefetchCount, T::Int, 0, CD::between(0, 65535), I::Medium,
      "Maximum number of unacknowledged messages that the server will deliver (basic.qos), 0 if unlimited. "
      "A task never buffers more than 1000 unacknowledged messages per consumer when this is 0.",
      kSourceGroup, ++order, "Prefetch count");
  key(keys::kPrefetchGlobal, T::Boolean, false, {}, I::Medium,
      "True if the settings should be applied to the entire channel rather than each consumer.", kSourceGroup,
      ++order, "Prefetch global");
  // Message mapping.
  order = 0;
  key(keys::kMessageConverter, T::String, "bytes", CD::custom<&check_message_converter>(), I::Medium,
      "How the message becomes the record value: bytes (the body, BYTES schema), string (the body decoded "
      "as UTF-8, STRING schema) or envelope (a struct with consumerTag, envelope, basicProperties and body, "
      "as jcustenborder's MessageConverter). jcustenborder's converter class names are accepted.",
      kMessageGroup, ++order, "Message converter");
  key(keys::kKeySource, T::String, "none",
      CD::one_of({"none", "message.id", "correlation.id", "routing.key", "header"}), I::Medium,
      "Where the record key comes from: none (null key), message.id, correlation.id, routing.key, or header "
      "(the message header named by message.key.header, with its typed value).",
      kMessageGroup, ++order, "Key source");
  key(keys::kKeyHeader, T::String, nullptr, {}, I::Low,
      "The message header whose value becomes the key when message.key.source is header.", kMessageGroup,
      ++order, "Key header");
  return def;
}

std::optional<std::string> raw_value(const sdk::ConfigMap& config, const char* key) {
  auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  std::string v = sdk::detail::trim(it->second);
  if (v.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string ConnectionSettings::describe() const {
  return std::string(tls ? "amqps://" : "amqp://") + host + ":" + std::to_string(port) + ", virtual host '" +
         virtual_host + "'";
}

const sdk::ConfigDef& source_config_def() {
  static const sdk::ConfigDef def = build_def();
  return def;
}

SourceSettings parse_source_settings(const sdk::ConfigMap& config) {
  sdk::Config parsed(source_config_def(), config);
  SourceSettings s;
  ConnectionSettings& c = s.connection;
  c.host = parsed.get_string(keys::kHost).value_or("localhost");
  c.port = parsed.get_int(keys::kPort);
  c.virtual_host = parsed.get_string(keys::kVirtualHost).value_or("/");
  c.username = parsed.get_string(keys::kUsername).value_or("");
  c.password = parsed.get_password(keys::kPassword).value_or("");
  c.tls = parsed.get_string(keys::kSecurityProtocol).value_or("PLAINTEXT") == "SSL";
  if (auto uri = parsed.get_password(keys::kUri); uri && !uri->empty()) {
    auto u = parse_uri(*uri);
    if (!u) throw sdk::ConfigError(keys::kUri, "[hidden]", "Expected an AMQP URI");
    c.host = u->host;
    c.port = u->port;
    c.username = u->username;
    c.password = u->password;
    c.virtual_host = u->virtual_host;
    c.tls = u->tls;
  }
  c.ca_path = parsed.get_string(keys::kSslCa);
  c.certificate_path = parsed.get_string(keys::kSslCertificate);
  c.key_path = parsed.get_string(keys::kSslKey);
  c.key_password = parsed.get_password(keys::kSslKeyPassword);
  c.verify_peer = parsed.get_boolean(keys::kSslVerifyPeer);
  c.verify_hostname = parsed.get_boolean(keys::kSslVerifyHostname);
  c.heartbeat_seconds = parsed.get_int(keys::kHeartbeat);
  c.channel_max = parsed.get_int(keys::kChannelMax);
  c.frame_max = parsed.get_int(keys::kFrameMax);
  c.connection_timeout_ms = parsed.get_int(keys::kConnectionTimeout);
  c.handshake_timeout_ms = parsed.get_int(keys::kHandshakeTimeout);

  s.topic = parsed.get_string(keys::kTopic).value_or("");
  for (auto& q : parsed.get_list(keys::kQueue))
    if (!q.empty()) s.queues.push_back(q);
  s.prefetch_count = parsed.get_int(keys::kPrefetchCount);
  s.prefetch_global = parsed.get_boolean(keys::kPrefetchGlobal);
  s.automatic_recovery = parsed.get_boolean(keys::kAutomaticRecovery);
  s.recovery_interval_ms = parsed.get_int(keys::kRecoveryInterval);
  s.shutdown_timeout_ms = parsed.get_int(keys::kShutdownTimeout);
  s.format =
      format_of(parsed.get_string(keys::kMessageConverter).value_or("bytes")).value_or(MessageFormat::Bytes);
  const std::string key_source = parsed.get_string(keys::kKeySource).value_or("none");
  if (key_source == "message.id") s.key_source = KeySource::MessageId;
  if (key_source == "correlation.id") s.key_source = KeySource::CorrelationId;
  if (key_source == "routing.key") s.key_source = KeySource::RoutingKey;
  if (key_source == "header") s.key_source = KeySource::Header;
  s.key_header = parsed.get_string(keys::kKeyHeader).value_or("");

  auto problems = cross_check(config);
  if (!problems.empty()) throw sdk::ConfigError(problems.front().second);
  return s;
}

std::vector<std::pair<std::string, std::string>> cross_check(const sdk::ConfigMap& config) {
  std::vector<std::pair<std::string, std::string>> out;
  if (config.count(keys::kQueue) != 0) {
    bool any = false;
    const std::string& list = config.at(keys::kQueue);
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      if (!sdk::detail::trim(std::string_view(list).substr(start, comma - start)).empty()) any = true;
      start = comma + 1;
    }
    if (!any)
      out.emplace_back(keys::kQueue,
                       "rabbitmq.queue lists no queue: name at least one RabbitMQ queue to consume from");
  }
  if (raw_value(config, keys::kKeySource).value_or("") == "header" && !raw_value(config, keys::kKeyHeader))
    out.emplace_back(keys::kKeyHeader,
                     "message.key.source is 'header' but message.key.header names no header: set it to the "
                     "message header whose value should become the record key");
  const bool cert = raw_value(config, keys::kSslCertificate).has_value();
  const bool key = raw_value(config, keys::kSslKey).has_value();
  if (cert != key)
    out.emplace_back(cert ? keys::kSslKey : keys::kSslCertificate,
                     "A client certificate needs both rabbitmq.ssl.certificate.location and "
                     "rabbitmq.ssl.key.location (PEM files)");
  for (const char* jks : {"rabbitmq.https.ssl.truststore.location", "rabbitmq.https.ssl.keystore.location"}) {
    if (raw_value(config, jks))
      out.emplace_back(jks, std::string(jks) +
                                " (a Java keystore) is not supported: convert it to PEM and use "
                                "rabbitmq.ssl.ca.location, rabbitmq.ssl.certificate.location and "
                                "rabbitmq.ssl.key.location");
  }
  return out;
}

}  // namespace sluice::rabbitmq
