#pragma once
// The RabbitMQ source's configuration: the keys of Confluent's and jcustenborder's RabbitMQ source
// connectors (same names, types and defaults), TLS with PEM files, rabbitmq.uri as a shortcut, and the
// message mapping options. One ConfigDef drives parsing, validation and config/validate output.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/sdk/config.hpp"
#include "sluice/sdk/data.hpp"

namespace sluice::rabbitmq {

namespace keys {
inline constexpr const char* kTopic = "kafka.topic";
inline constexpr const char* kQueue = "rabbitmq.queue";
inline constexpr const char* kHost = "rabbitmq.host";
inline constexpr const char* kPort = "rabbitmq.port";
inline constexpr const char* kVirtualHost = "rabbitmq.virtual.host";
inline constexpr const char* kUsername = "rabbitmq.username";
inline constexpr const char* kPassword = "rabbitmq.password";
inline constexpr const char* kUri = "rabbitmq.uri";
inline constexpr const char* kPrefetchCount = "rabbitmq.prefetch.count";
inline constexpr const char* kPrefetchGlobal = "rabbitmq.prefetch.global";
inline constexpr const char* kHeartbeat = "rabbitmq.requested.heartbeat.seconds";
inline constexpr const char* kChannelMax = "rabbitmq.requested.channel.max";
inline constexpr const char* kFrameMax = "rabbitmq.requested.frame.max";
inline constexpr const char* kConnectionTimeout = "rabbitmq.connection.timeout.ms";
inline constexpr const char* kHandshakeTimeout = "rabbitmq.handshake.timeout.ms";
inline constexpr const char* kShutdownTimeout = "rabbitmq.shutdown.timeout.ms";
inline constexpr const char* kRecoveryInterval = "rabbitmq.network.recovery.interval.ms";
inline constexpr const char* kAutomaticRecovery = "rabbitmq.automatic.recovery.enabled";
inline constexpr const char* kTopologyRecovery = "rabbitmq.topology.recovery.enabled";
inline constexpr const char* kSecurityProtocol = "rabbitmq.security.protocol";
inline constexpr const char* kSslCa = "rabbitmq.ssl.ca.location";
inline constexpr const char* kSslCertificate = "rabbitmq.ssl.certificate.location";
inline constexpr const char* kSslKey = "rabbitmq.ssl.key.location";
inline constexpr const char* kSslKeyPassword = "rabbitmq.ssl.key.password";
inline constexpr const char* kSslVerifyPeer = "rabbitmq.ssl.verify.peer";
inline constexpr const char* kSslVerifyHostname = "rabbitmq.ssl.verify.hostname";
inline constexpr const char* kMessageConverter = "message.converter";
inline constexpr const char* kKeySource = "message.key.source";
inline constexpr const char* kKeyHeader = "message.key.header";
}  // namespace keys

// How the message body becomes the record value.
enum class MessageFormat { Bytes, String, Envelope };
// Where the record key comes from.
enum class KeySource { None, MessageId, CorrelationId, RoutingKey, Header };

// Everything needed to open one AMQP connection.
struct ConnectionSettings {
  std::string host = "localhost";
  int port = 5672;
  std::string virtual_host = "/";
  std::string username = "guest";
  std::string password = "guest";
  bool tls = false;
  std::optional<std::string> ca_path;
  std::optional<std::string> certificate_path;
  std::optional<std::string> key_path;
  std::optional<std::string> key_password;
  bool verify_peer = true;
  bool verify_hostname = true;
  int heartbeat_seconds = 60;
  int channel_max = 0;
  int frame_max = 0;
  int connection_timeout_ms = 60000;
  int handshake_timeout_ms = 10000;

  // "amqp://127.0.0.1:5672, virtual host '/'" for messages (never the password).
  std::string describe() const;
};

struct SourceSettings {
  ConnectionSettings connection;
  std::string topic;
  std::vector<std::string> queues;
  int prefetch_count = 0;
  bool prefetch_global = false;
  bool automatic_recovery = true;
  int recovery_interval_ms = 10000;
  int shutdown_timeout_ms = 10000;
  MessageFormat format = MessageFormat::Bytes;
  KeySource key_source = KeySource::None;
  std::string key_header;
};

// The connector's ConfigDef (built once, shared).
const sdk::ConfigDef& source_config_def();

// Parses and cross-checks a connector or task config; throws sdk::ConfigError naming the key.
SourceSettings parse_source_settings(const sdk::ConfigMap& config);

// Cross-key problems (empty rabbitmq.queue, a header key source without a header name, half a client
// certificate, unsupported Java keystores) as (key, message) pairs; empty when the config is consistent.
// Parse errors of single keys are not repeated here: the host reports those from the ConfigDef.
std::vector<std::pair<std::string, std::string>> cross_check(const sdk::ConfigMap& config);

}  // namespace sluice::rabbitmq
