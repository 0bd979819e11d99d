#include "tests/support/rabbitmq_server.hpp"

#include <amqp_tcp_socket.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/wait.hpp"

namespace sluice::test {

namespace {

using namespace std::chrono_literals;

constexpr const char* kServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

bool port_open(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return open;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The process state letter from /proc/<pid>/stat ('Z' for a zombie), or 0 when there is no such process.
char process_state(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return 0;
  return stat[paren + 2];
}

pid_t parent_of(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(stat.substr(paren + 2));
  char state = 0;
  pid_t ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

std::string comm_of(pid_t pid) {
  std::string comm = slurp("/proc/" + std::to_string(pid) + "/comm");
  while (!comm.empty() && (comm.back() == '\n' || comm.back() == '\r')) comm.pop_back();
  return comm;
}

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos)
      pids.push_back(std::stoi(name));
  }
  return pids;
}

// Logs in over AMQP; true when the broker accepted guest/guest.
bool amqp_login_works(std::uint16_t port) {
  amqp_connection_state_t conn = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  timeval timeout{2, 0};
  bool ok = false;
  if (socket != nullptr && amqp_socket_open_noblock(socket, "127.0.0.1", port, &timeout) == AMQP_STATUS_OK) {
    amqp_set_handshake_timeout(conn, &timeout);
    const amqp_rpc_reply_t reply =
        amqp_login(conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest");
    ok = reply.reply_type == AMQP_RESPONSE_NORMAL;
    if (ok) amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(conn);
  return ok;
}

std::string tail(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  for (std::size_t i = 0; i <= lines && pos != std::string::npos && pos > 0; ++i)
    pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

void run_openssl(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
  ProcessOptions options;
  options.cwd = cwd;
  CommandResult r = run_command(argv, "", 60s, options);
  if (!r.status.success()) throw std::runtime_error(r.describe(argv));
}

amqp_bytes_t bytes_of(const std::optional<std::string>& s) {
  return amqp_cstring_bytes(s->c_str());
}

}  // namespace

// ---- RabbitMqServer -------------------------------------------------------------------------------------

RabbitMqServer::RabbitMqServer(Options options) : options_(options), dir_("sluice-rabbitmq") {
  port_ = free_port();
  dist_port_ = free_port();
  epmd_port_ = free_port();
  if (options_.tls) tls_port_ = free_port();
  node_ = "rmq" + std::to_string(port_) + "@localhost";
  std::filesystem::create_directories(dir_ / "mnesia");
  std::filesystem::create_directories(dir_ / "log");
  std::filesystem::create_directories(dir_ / "home");
  if (options_.tls) generate_certificates();
  write_config();
  start();
}

RabbitMqServer::~RabbitMqServer() {
  try {
    if (process_ != nullptr) stop();
  } catch (...) {
    // A destructor reports nothing; the Process destructor still kills the broker.
  }
  process_.reset();
  if (epmd_pid_ > 0) {
    // epmd is not our child: signal it by PID and wait until /proc says it is gone or a zombie.
    ::kill(epmd_pid_, SIGTERM);
    poll_until(
        [&] {
          const char s = process_state(epmd_pid_);
          return s == 0 || s == 'Z';
        },
        5s);
    const char s = process_state(epmd_pid_);
    if (s != 0 && s != 'Z') ::kill(epmd_pid_, SIGKILL);
  }
}

std::string RabbitMqServer::url() const {
  return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_);
}

void RabbitMqServer::generate_certificates() {
  const auto tls = dir_ / "tls";
  std::filesystem::create_directories(tls);
  dir_.write("tls/ext-server", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  dir_.write("tls/ext-client", "extendedKeyUsage=clientAuth\n");
  run_openssl({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
               "ca.pem", "-days", "3", "-subj", "/CN=sluice-test-ca"},
              tls);
  for (const std::string who : {"server", "client"}) {
    run_openssl({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out",
                 who + ".csr", "-subj", who == "server" ? "/CN=localhost" : "/CN=sluice-test-client"},
                tls);
    run_openssl({"openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", who + ".pem", "-days", "3", "-extfile", "ext-" + who},
                tls);
  }
}

void RabbitMqServer::write_config() {
  dir_.write("conf.env", "");
  dir_.write("enabled_plugins", "[].\n");
  std::string config = "loopback_users = none\n";
  if (options_.tls) {
    const auto tls = dir_ / "tls";
    config += "listeners.ssl.1 = 127.0.0.1:" + std::to_string(tls_port_) + "\n";
    config += "ssl_options.cacertfile = " + (tls / "ca.pem").string() + "\n";
    config += "ssl_options.certfile = " + (tls / "server.pem").string() + "\n";
    config += "ssl_options.keyfile = " + (tls / "server.key").string() + "\n";
    config += "ssl_options.verify = verify_peer\n";
    config += "ssl_options.fail_if_no_peer_cert = false\n";
  }
  dir_.write("rabbitmq.conf", config);
}

std::map<std::string, std::string> RabbitMqServer::environment() const {
  return {
      {"RABBITMQ_CONF_ENV_FILE", (dir_ / "conf.env").string()},
      {"RABBITMQ_CONFIG_FILE", (dir_ / "rabbitmq.conf").string()},
      {"RABBITMQ_ENABLED_PLUGINS_FILE", (dir_ / "enabled_plugins").string()},
      {"RABBITMQ_NODENAME", node_},
      {"RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"},
      {"RABBITMQ_NODE_PORT", std::to_string(port_)},
      {"RABBITMQ_DIST_PORT", std::to_string(dist_port_)},
      {"RABBITMQ_MNESIA_BASE", (dir_ / "mnesia").string()},
      {"RABBITMQ_LOG_BASE", (dir_ / "log").string()},
      {"RABBITMQ_PID_FILE", (dir_ / "rabbitmq.pid").string()},
      {"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"},
      {"ERL_EPMD_ADDRESS", "127.0.0.1"},
      {"ERL_EPMD_PORT", std::to_string(epmd_port_)},
      {"HOME", (dir_ / "home").string()},
  };
}

void RabbitMqServer::start() {
  if (process_ != nullptr) return;
  ProcessOptions options;
  options.name = "rabbitmq-server " + node_;
  options.env = environment();
  process_ = std::make_unique<Process>(std::vector<std::string>{kServerScript}, options);
  try {
    wait_ready(options_.start_timeout);
  } catch (...) {
    process_->stop(SIGKILL, 5s);
    process_.reset();
    throw;
  }
  if (epmd_pid_ <= 0) find_epmd();
}

void RabbitMqServer::wait_ready(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) {
      throw std::runtime_error("rabbitmq-server (" + node_ + ") exited with " +
                               process_->exit_status()->describe() +
                               " before accepting AMQP connections; log:\n" +
                               tail(log_text() + process_->stdout_text() + process_->stderr_text(), 40));
    }
    if (port_open(port_) && amqp_login_works(port_)) {
      if (!options_.tls || port_open(tls_port_)) return;
    }
    std::this_thread::sleep_for(200ms);
  }
  throw std::runtime_error("rabbitmq-server (" + node_ + ") did not accept AMQP connections on port " +
                           std::to_string(port_) + " within " + std::to_string(timeout.count()) +
                           " ms; log:\n" +
                           tail(log_text() + process_->stdout_text() + process_->stderr_text(), 40));
}

void RabbitMqServer::find_epmd() {
  const std::string needle = "ERL_EPMD_PORT=" + std::to_string(epmd_port_);
  for (pid_t pid : all_pids()) {
    if (comm_of(pid) != "epmd") continue;
    std::string env = slurp("/proc/" + std::to_string(pid) + "/environ");
    std::replace(env.begin(), env.end(), '\0', '\n');
    if (("\n" + env + "\n").find("\n" + needle + "\n") != std::string::npos) {
      epmd_pid_ = pid;
      return;
    }
  }
}

void RabbitMqServer::stop() {
  if (process_ == nullptr) return;
  process_->stop(SIGTERM, 60s);
  process_.reset();
  if (!poll_until([&] { return !port_open(port_); }, 30s))
    throw std::runtime_error("RabbitMQ port " + std::to_string(port_) +
                             " still open after the broker stopped");
}

pid_t RabbitMqServer::vm_pid() const {
  if (process_ == nullptr) throw std::runtime_error("RabbitMQ is not running");
  const pid_t pid = process_->pid();
  if (comm_of(pid) == "beam.smp") return pid;
  // The start script did not exec the VM: it is a descendant.
  for (pid_t candidate : all_pids()) {
    if (comm_of(candidate) != "beam.smp") continue;
    for (pid_t p = candidate; p > 1; p = parent_of(p))
      if (p == pid) return candidate;
  }
  throw std::runtime_error("Cannot find the Erlang VM of " + node_);
}

void RabbitMqServer::pause() {
  ::kill(vm_pid(), SIGSTOP);
}
void RabbitMqServer::resume() {
  ::kill(vm_pid(), SIGCONT);
}

std::string RabbitMqServer::log_text() const {
  return slurp(dir_ / "log" / (node_ + ".log"));
}

std::string RabbitMqServer::ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", node_};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.env = environment();
  const CommandResult r = run_command(argv, "", 60s, options);
  return r.status.success() ? r.out : r.describe(argv);
}

// ---- AmqpTestClient -------------------------------------------------------------------------------------

AmqpTestClient::AmqpTestClient(std::uint16_t port, std::string virtual_host, std::string username,
                               std::string password)
    : conn_(amqp_new_connection()) {
  amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
  timeval timeout{10, 0};
  if (socket == nullptr || amqp_socket_open_noblock(socket, "127.0.0.1", port, &timeout) != AMQP_STATUS_OK) {
    amqp_destroy_connection(conn_);
    throw std::runtime_error("AmqpTestClient: cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  const amqp_rpc_reply_t login = amqp_login(conn_, virtual_host.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN,
                                            username.c_str(), password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    amqp_destroy_connection(conn_);
    throw std::runtime_error("AmqpTestClient: login to 127.0.0.1:" + std::to_string(port) + " failed");
  }
  amqp_channel_open(conn_, channel_);
  check("channel.open");
  amqp_confirm_select(conn_, channel_);
  check("confirm.select");
}

AmqpTestClient::~AmqpTestClient() {
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn_);
}

void AmqpTestClient::check(const std::string& what) {
  const amqp_rpc_reply_t reply = amqp_get_rpc_reply(conn_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  std::string detail = "reply type " + std::to_string(reply.reply_type);
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) detail = amqp_error_string2(reply.library_error);
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
    detail = std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len);
    amqp_channel_close_ok_t ok{};
    amqp_send_method(conn_, channel_, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    // Keep the client usable: the next call gets a fresh channel in confirm mode.
    ++channel_;
    published_ = confirmed_ = 0;
    early_.clear();
    amqp_channel_open(conn_, channel_);
    amqp_confirm_select(conn_, channel_);
  }
  throw std::runtime_error("AmqpTestClient: " + what + " failed: " + detail);
}

void AmqpTestClient::declare_queue(const std::string& queue, bool durable) {
  amqp_queue_declare(conn_, channel_, amqp_cstring_bytes(queue.c_str()), 0, durable ? 1 : 0, 0, 0,
                     amqp_empty_table);
  check("queue.declare " + queue);
}

void AmqpTestClient::delete_queue(const std::string& queue) {
  amqp_queue_delete(conn_, channel_, amqp_cstring_bytes(queue.c_str()), 0, 0);
  check("queue.delete " + queue);
}

void AmqpTestClient::purge_queue(const std::string& queue) {
  amqp_queue_purge(conn_, channel_, amqp_cstring_bytes(queue.c_str()));
  check("queue.purge " + queue);
}

std::optional<std::uint32_t> AmqpTestClient::message_count(const std::string& queue) {
  const auto* ok =
      amqp_queue_declare(conn_, channel_, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);
  if (ok == nullptr) {
    try {
      check("queue.declare (passive) " + queue);
    } catch (const std::runtime_error&) {
      return std::nullopt;
    }
  }
  return ok->message_count;
}

std::optional<std::uint32_t> AmqpTestClient::consumer_count(const std::string& queue) {
  const auto* ok =
      amqp_queue_declare(conn_, channel_, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);
  if (ok == nullptr) {
    try {
      check("queue.declare (passive) " + queue);
    } catch (const std::runtime_error&) {
      return std::nullopt;
    }
  }
  return ok->consumer_count;
}

void AmqpTestClient::send(const std::string& queue, const std::string& body, const AmqpProperties& p) {
  amqp_basic_properties_t props{};
  auto flag = [&](bool set, amqp_flags_t f) {
    if (set) props._flags |= f;
  };
  flag(p.content_type.has_value(), AMQP_BASIC_CONTENT_TYPE_FLAG);
  if (p.content_type) props.content_type = bytes_of(p.content_type);
  flag(p.content_encoding.has_value(), AMQP_BASIC_CONTENT_ENCODING_FLAG);
  if (p.content_encoding) props.content_encoding = bytes_of(p.content_encoding);
  flag(p.delivery_mode.has_value(), AMQP_BASIC_DELIVERY_MODE_FLAG);
  props.delivery_mode = p.delivery_mode.value_or(0);
  flag(p.priority.has_value(), AMQP_BASIC_PRIORITY_FLAG);
  props.priority = p.priority.value_or(0);
  flag(p.correlation_id.has_value(), AMQP_BASIC_CORRELATION_ID_FLAG);
  if (p.correlation_id) props.correlation_id = bytes_of(p.correlation_id);
  flag(p.reply_to.has_value(), AMQP_BASIC_REPLY_TO_FLAG);
  if (p.reply_to) props.reply_to = bytes_of(p.reply_to);
  flag(p.expiration.has_value(), AMQP_BASIC_EXPIRATION_FLAG);
  if (p.expiration) props.expiration = bytes_of(p.expiration);
  flag(p.message_id.has_value(), AMQP_BASIC_MESSAGE_ID_FLAG);
  if (p.message_id) props.message_id = bytes_of(p.message_id);
  flag(p.timestamp.has_value(), AMQP_BASIC_TIMESTAMP_FLAG);
  props.timestamp = p.timestamp.value_or(0);
  flag(p.type.has_value(), AMQP_BASIC_TYPE_FLAG);
  if (p.type) props.type = bytes_of(p.type);
  flag(p.user_id.has_value(), AMQP_BASIC_USER_ID_FLAG);
  if (p.user_id) props.user_id = bytes_of(p.user_id);
  flag(p.app_id.has_value(), AMQP_BASIC_APP_ID_FLAG);
  if (p.app_id) props.app_id = bytes_of(p.app_id);
  flag(p.headers.has_value(), AMQP_BASIC_HEADERS_FLAG);
  if (p.headers) props.headers = *p.headers;
  amqp_bytes_t body_bytes{body.size(), const_cast<char*>(body.data())};
  const int st = amqp_basic_publish(conn_, channel_, amqp_empty_bytes, amqp_cstring_bytes(queue.c_str()), 0,
                                    0, &props, body_bytes);
  if (st != AMQP_STATUS_OK)
    throw std::runtime_error(std::string("AmqpTestClient: basic.publish failed: ") + amqp_error_string2(st));
  ++published_;
}

void AmqpTestClient::read_confirms(std::uint64_t sequence, bool wait) {
  while (confirmed_ < sequence) {
    timeval immediate{0, 0};
    timeval ten_seconds{10, 0};
    amqp_frame_t frame{};
    const int st = amqp_simple_wait_frame_noblock(conn_, &frame, wait ? &ten_seconds : &immediate);
    if (st == AMQP_STATUS_TIMEOUT) {
      if (!wait) return;
      throw std::runtime_error("AmqpTestClient: no publisher confirm within 10 s");
    }
    if (st != AMQP_STATUS_OK)
      throw std::runtime_error(std::string("AmqpTestClient: reading confirms failed: ") +
                               amqp_error_string2(st));
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
        if (ack->multiple) {
          confirmed_ = std::max(confirmed_, ack->delivery_tag);
        } else {
          early_.insert(ack->delivery_tag);
        }
        while (!early_.empty() && *early_.begin() <= confirmed_ + 1) {
          confirmed_ = std::max(confirmed_, *early_.begin());
          early_.erase(early_.begin());
        }
        break;
      }
      case AMQP_BASIC_NACK_METHOD: throw std::runtime_error("AmqpTestClient: the broker nacked a publish");
      case AMQP_CHANNEL_CLOSE_METHOD: {
        const auto* close = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
        throw std::runtime_error(
            "AmqpTestClient: the broker closed the channel: " +
            std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len));
      }
      default: break;
    }
    amqp_maybe_release_buffers(conn_);
  }
}

void AmqpTestClient::publish(const std::string& queue, const std::string& body,
                             const AmqpProperties& properties) {
  send(queue, body, properties);
  read_confirms(published_, true);
}

void AmqpTestClient::publish_many(const std::string& queue, std::size_t count,
                                  const std::function<std::string(std::size_t)>& make_body,
                                  const std::function<AmqpProperties(std::size_t)>& make_properties) {
  const AmqpProperties none;
  for (std::size_t i = 0; i < count; ++i) {
    if (make_properties) {
      const AmqpProperties p = make_properties(i);
      send(queue, make_body(i), p);
    } else {
      send(queue, make_body(i), none);
    }
    if (i % 1000 == 999) read_confirms(published_, false);  // keep the confirm backlog small
  }
  read_confirms(published_, true);
}

}  // namespace sluice::test
