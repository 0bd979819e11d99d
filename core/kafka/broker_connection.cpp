#include "core/kafka/broker_connection.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <utility>  // before Asio: Boost 1.74's headers use std::exchange without including it

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>

#include "core/kafka/protocol/error_codes.hpp"
#include "core/kafka/protocol/sasl.hpp"

namespace sluice::kafka {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using protocol::ApiKey;
using protocol::Bytes;

// Larger than any group response a worker cluster produces (JoinGroup lists every member's metadata), small
// enough that a corrupt size cannot exhaust memory.
constexpr std::int32_t kMaxResponseBytes = 128 * 1024 * 1024;

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct Pkcs12Deleter {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

// Adds every certificate of a PEM text to the trust store.
void add_pem_cas(SSL_CTX* ctx, const std::string& pem, const std::string& what) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    std::unique_ptr<X509, X509Deleter> cert(raw);
    if (X509_STORE_add_cert(store, cert.get()) != 1) ERR_clear_error();  // duplicates are harmless
    ++added;
  }
  ERR_clear_error();
  if (added == 0) throw ConfigError("Cannot load " + what + ": no PEM certificate found");
}

struct Pkcs12Content {
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key;
  std::unique_ptr<X509, X509Deleter> cert;
  std::unique_ptr<STACK_OF(X509), X509StackDeleter> chain;
};

Pkcs12Content load_pkcs12(const std::string& path, const std::string& password, const std::string& key) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file)
    throw ConfigError("Cannot read " + key + " " + path + ": the file does not exist or is not readable");
  std::unique_ptr<PKCS12, Pkcs12Deleter> p12(d2i_PKCS12_fp(file.get(), nullptr));
  if (!p12)
    throw ConfigError("Cannot load " + key + " " + path + ": not a PKCS12 store (" + openssl_error() + ")");
  EVP_PKEY* pkey = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  if (PKCS12_parse(p12.get(), password.c_str(), &pkey, &cert, &chain) != 1) {
    throw ConfigError("Cannot load " + key + " " + path + ": wrong password or corrupt store (" +
                      openssl_error() + ")");
  }
  return {std::unique_ptr<EVP_PKEY, PkeyDeleter>(pkey), std::unique_ptr<X509, X509Deleter>(cert),
          std::unique_ptr<STACK_OF(X509), X509StackDeleter>(chain)};
}

bool parse_port(std::string_view text, int& port) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && end == text.data() + text.size() && port > 0 && port <= 65535;
}

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

std::vector<BrokerAddress> parse_bootstrap_servers(std::string_view servers) {
  std::vector<BrokerAddress> out;
  std::size_t start = 0;
  while (start <= servers.size()) {
    const std::size_t comma = servers.find(',', start);
    const std::string entry =
        trim(servers.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!entry.empty()) {
      // Kafka accepts an optional scheme-like prefix ("PLAINTEXT://host:port").
      std::string_view rest = entry;
      if (const auto scheme = rest.find("://"); scheme != std::string_view::npos)
        rest = rest.substr(scheme + 3);
      const std::size_t colon = rest.rfind(':');
      BrokerAddress address;
      if (colon == std::string_view::npos || !parse_port(rest.substr(colon + 1), address.port)) {
        throw ConfigError("Invalid url in bootstrap.servers: " + entry);
      }
      std::string_view host = rest.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
      if (host.empty()) throw ConfigError("Invalid url in bootstrap.servers: " + entry);
      address.host = std::string(host);
      out.push_back(std::move(address));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.empty()) throw ConfigError("No resolvable bootstrap urls given in bootstrap.servers");
  return out;
}

// ---- TLS context ----------------------------------------------------------------------------------------

struct TlsContext::Impl {
  ssl::context ctx{ssl::context::tls_client};
};

TlsContext::TlsContext(const TlsSettings& s) : impl_(std::make_unique<Impl>()) {
  SSL_CTX* ctx = impl_->ctx.native_handle();
  // Kafka's ssl.enabled.protocols default: TLSv1.2 and TLSv1.3.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  impl_->ctx.set_verify_mode(ssl::verify_peer);
  try {
    const bool custom_trust = !s.ca_file.empty() || !s.ca_pem.empty() || !s.truststore_pkcs12.empty();
    if (!custom_trust) impl_->ctx.set_default_verify_paths();
    if (!s.ca_file.empty()) {
      boost::system::error_code ec;
      impl_->ctx.load_verify_file(s.ca_file, ec);
      if (ec) throw ConfigError("Cannot load the trusted certificates in " + s.ca_file + ": " + ec.message());
    }
    if (!s.ca_pem.empty()) add_pem_cas(ctx, s.ca_pem, "ssl.truststore.certificates");
    if (!s.truststore_pkcs12.empty()) {
      Pkcs12Content store =
          load_pkcs12(s.truststore_pkcs12, s.truststore_password, "ssl.truststore.location");
      X509_STORE* x509_store = SSL_CTX_get_cert_store(ctx);
      if (store.cert) X509_STORE_add_cert(x509_store, store.cert.get());
      for (int i = 0; store.chain && i < sk_X509_num(store.chain.get()); ++i) {
        X509_STORE_add_cert(x509_store, sk_X509_value(store.chain.get(), i));
      }
      ERR_clear_error();
    }

    if (!s.key_password.empty())
      impl_->ctx.set_password_callback([pw = s.key_password](std::size_t, auto) { return pw; });
    if (!s.keystore_pkcs12.empty()) {
      Pkcs12Content store = load_pkcs12(s.keystore_pkcs12, s.keystore_password, "ssl.keystore.location");
      if (!store.cert || !store.key) {
        throw ConfigError("Cannot load ssl.keystore.location " + s.keystore_pkcs12 +
                          ": the store holds no private key with a certificate");
      }
      if (SSL_CTX_use_certificate(ctx, store.cert.get()) != 1 ||
          SSL_CTX_use_PrivateKey(ctx, store.key.get()) != 1) {
        throw ConfigError("Cannot use the key in ssl.keystore.location " + s.keystore_pkcs12 + ": " +
                          openssl_error());
      }
      for (int i = 0; store.chain && i < sk_X509_num(store.chain.get()); ++i) {
        X509* extra = X509_dup(sk_X509_value(store.chain.get(), i));
        if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1)
          X509_free(extra);  // the context owns it on success
      }
    } else if (!s.certificate_pem.empty() || !s.key_pem.empty()) {
      if (s.certificate_pem.empty() || s.key_pem.empty()) {
        throw ConfigError("ssl.keystore.certificate.chain and ssl.keystore.key must be set together");
      }
      boost::system::error_code ec;
      impl_->ctx.use_certificate_chain(asio::buffer(s.certificate_pem), ec);
      if (ec) throw ConfigError("Cannot load ssl.keystore.certificate.chain: " + ec.message());
      impl_->ctx.use_private_key(asio::buffer(s.key_pem), ssl::context::pem, ec);
      if (ec) throw ConfigError("Cannot load ssl.keystore.key: " + ec.message());
    } else if (!s.certificate_file.empty() || !s.key_file.empty()) {
      boost::system::error_code ec;
      if (!s.certificate_file.empty()) impl_->ctx.use_certificate_chain_file(s.certificate_file, ec);
      if (ec)
        throw ConfigError("Cannot load the client certificate " + s.certificate_file + ": " + ec.message());
      const std::string& key_file = s.key_file.empty() ? s.certificate_file : s.key_file;
      impl_->ctx.use_private_key_file(key_file, ssl::context::pem, ec);
      if (ec) throw ConfigError("Cannot load the client key " + key_file + ": " + ec.message());
    }
  } catch (const boost::system::system_error& e) {
    throw ConfigError(std::string("Cannot set up TLS for the Kafka connection: ") + e.what());
  }
}

TlsContext::~TlsContext() = default;

// ---- connection -----------------------------------------------------------------------------------------

struct BrokerConnection::Impl : std::enable_shared_from_this<BrokerConnection::Impl> {
  struct Pending {
    ApiKey api;
    std::int16_t version;
    std::shared_ptr<std::promise<Bytes>> promise;
  };

  Impl(asio::io_context& io_context, ConnectionSettings s)
      : io(io_context), settings(std::move(s)), resolver(io) {}

  asio::io_context& io;
  const ConnectionSettings settings;
  BrokerAddress address;  // written by open() before any I/O starts

  // Touched only on the io thread.
  tcp::resolver resolver;
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> tls;
  std::deque<std::shared_ptr<const Bytes>> write_queue;
  bool writing = false;
  std::array<std::uint8_t, 4> size_buf{};
  Bytes body_buf;
  std::map<std::int32_t, Pending> pending;
  bool closed_on_io = false;

  std::atomic<bool> closed{false};
  std::atomic<bool> opened{false};
  std::atomic<std::int32_t> next_correlation{1};
  std::atomic<std::int16_t> api_versions_version{-1};
  mutable std::mutex versions_mu;
  std::map<std::int16_t, protocol::VersionRange> versions;

  template <typename F>
  void with_stream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }

  // io thread: closes the socket and fails everything in flight.
  void fail_all(const std::string& message) {
    closed = true;
    if (!closed_on_io) {
      closed_on_io = true;
      boost::system::error_code ignored;
      resolver.cancel();
      if (tls) tls->lowest_layer().close(ignored);
      if (plain) plain->close(ignored);
    }
    for (auto& [id, p] : pending)
      p.promise->set_exception(std::make_exception_ptr(BrokerConnectionError(message)));
    pending.clear();
    write_queue.clear();
  }

  void start_connect(std::shared_ptr<std::promise<void>> done) {
    auto self = shared_from_this();
    if (closed_on_io) {
      done->set_exception(std::make_exception_ptr(
          BrokerConnectionError("Connection to " + address.to_string() + " was closed")));
      return;
    }
    if (settings.tls) {
      tls.emplace(io, settings.tls->impl().ctx);
    } else {
      plain.emplace(io);
    }
    resolver.async_resolve(
        address.host, std::to_string(address.port),
        [self, done](const boost::system::error_code& ec, tcp::resolver::results_type results) {
          if (ec) {
            done->set_exception(std::make_exception_ptr(BrokerConnectionError(
                "Cannot resolve Kafka broker " + self->address.to_string() + ": " + ec.message())));
            self->fail_all("Cannot resolve " + self->address.to_string());
            return;
          }
          tcp::socket& socket = self->tls ? self->tls->next_layer() : *self->plain;
          asio::async_connect(
              socket, results, [self, done](const boost::system::error_code& ec2, const tcp::endpoint&) {
                if (ec2) {
                  done->set_exception(std::make_exception_ptr(BrokerConnectionError(
                      "Cannot connect to Kafka broker " + self->address.to_string() + ": " + ec2.message())));
                  self->fail_all("Cannot connect to " + self->address.to_string());
                  return;
                }
                boost::system::error_code ignored;
                (self->tls ? self->tls->next_layer() : *self->plain).set_option(tcp::no_delay(true), ignored);
                if (!self->tls) {
                  self->start_read();
                  done->set_value();
                  return;
                }
                self->start_handshake(done);
              });
        });
  }

  void start_handshake(const std::shared_ptr<std::promise<void>>& done) {
    auto self = shared_from_this();
    SSL* ssl_handle = tls->native_handle();
    // SNI (for host names only, as RFC 6066 asks), and the name the broker's certificate must carry (Kafka's
    // endpoint identification; asio's check also matches IP addresses against iPAddress entries).
    boost::system::error_code not_an_ip;
    asio::ip::make_address(address.host, not_an_ip);
    if (not_an_ip) SSL_set_tlsext_host_name(ssl_handle, address.host.c_str());
    if (settings.verify_hostname) tls->set_verify_callback(ssl::host_name_verification(address.host));
    tls->async_handshake(ssl::stream_base::client, [self, done](const boost::system::error_code& ec) {
      if (ec) {
        done->set_exception(std::make_exception_ptr(BrokerConnectionError(
            "TLS handshake with Kafka broker " + self->address.to_string() + " failed: " + ec.message())));
        self->fail_all("TLS handshake with " + self->address.to_string() + " failed");
        return;
      }
      self->start_read();
      done->set_value();
    });
  }

  void start_read() {
    auto self = shared_from_this();
    with_stream([&](auto& stream) {
      asio::async_read(
          stream, asio::buffer(size_buf), [self](const boost::system::error_code& ec, std::size_t) {
            if (ec) {
              self->fail_all("Connection to Kafka broker " + self->address.to_string() +
                             " failed: " + ec.message());
              return;
            }
            protocol::Reader r(self->size_buf);
            const std::int32_t size = r.int32();
            if (size < 4 || size > kMaxResponseBytes) {
              self->fail_all("Kafka broker " + self->address.to_string() +
                             " sent a response of invalid size " + std::to_string(size));
              return;
            }
            self->body_buf.resize(static_cast<std::size_t>(size));
            self->with_stream([&](auto& s) {
              asio::async_read(s, asio::buffer(self->body_buf),
                               [self](const boost::system::error_code& ec2, std::size_t) {
                                 if (ec2) {
                                   self->fail_all("Connection to Kafka broker " + self->address.to_string() +
                                                  " failed: " + ec2.message());
                                   return;
                                 }
                                 if (self->handle_frame()) self->start_read();
                               });
            });
          });
    });
  }

  // io thread: hands one response to its caller; false when the connection had to be failed.
  bool handle_frame() {
    try {
      protocol::Reader r(body_buf);
      const std::int32_t correlation = r.int32();
      const auto it = pending.find(correlation);
      if (it == pending.end()) {
        fail_all("Kafka broker " + address.to_string() + " sent a response with unknown correlation id " +
                 std::to_string(correlation));
        return false;
      }
      Pending p = std::move(it->second);
      pending.erase(it);
      if (protocol::response_header_version(p.api, p.version) >= 1) r.tagged_fields();
      const auto rest = r.rest();
      p.promise->set_value(Bytes(rest.begin(), rest.end()));
      return true;
    } catch (const protocol::DecodeError& e) {
      fail_all("Kafka broker " + address.to_string() + " sent a malformed response header: " + e.what());
      return false;
    }
  }

  void enqueue(std::shared_ptr<const Bytes> frame, std::int32_t correlation, Pending p) {
    if (closed_on_io) {
      p.promise->set_exception(std::make_exception_ptr(
          BrokerConnectionError("Connection to Kafka broker " + address.to_string() + " is closed")));
      return;
    }
    pending.emplace(correlation, std::move(p));
    write_queue.push_back(std::move(frame));
    if (!writing) write_next();
  }

  void write_next() {
    if (write_queue.empty() || closed_on_io) {
      writing = false;
      return;
    }
    writing = true;
    auto self = shared_from_this();
    auto frame = write_queue.front();
    with_stream([&](auto& stream) {
      asio::async_write(stream, asio::buffer(*frame),
                        [self, frame](const boost::system::error_code& ec, std::size_t) {
                          if (ec) {
                            self->writing = false;
                            self->fail_all("Cannot send to Kafka broker " + self->address.to_string() + ": " +
                                           ec.message());
                            return;
                          }
                          if (!self->write_queue.empty()) self->write_queue.pop_front();
                          self->write_next();
                        });
    });
  }

  void close_async(std::string message) {
    closed = true;
    asio::post(io, [self = shared_from_this(), message = std::move(message)] { self->fail_all(message); });
  }
};

namespace {

std::string text_of(const Bytes& b) {
  return std::string(b.begin(), b.end());
}
Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// SaslHandshake v1 then SaslAuthenticate round trips (KIP-152), as Kafka's SaslClientAuthenticator does.
void authenticate(BrokerConnection& conn, const SaslSettings& sasl, std::chrono::milliseconds timeout) {
  using protocol::SaslError;
  const std::string broker = conn.address().to_string();
  const char* mechanism = protocol::sasl_mechanism_name(sasl.mechanism);
  protocol::SaslHandshakeRequest handshake{mechanism};
  const auto hs = conn.request<protocol::SaslHandshakeResponse>(ApiKey::SaslHandshake, handshake, timeout);
  if (hs.error_code == protocol::ErrorCode::UnsupportedSaslMechanism) {
    std::string offered;
    for (const std::string& m : hs.mechanisms) offered += (offered.empty() ? "" : ", ") + m;
    throw SaslError("Kafka broker " + broker + " does not support SASL mechanism " + mechanism +
                    "; it offers: " + (offered.empty() ? "none" : offered));
  }
  if (hs.error_code != 0) {
    throw SaslError("SaslHandshake with Kafka broker " + broker +
                    " failed: " + protocol::error_text(hs.error_code));
  }
  auto exchange = [&](Bytes token) {
    const auto r = conn.request<protocol::SaslAuthenticateResponse>(
        ApiKey::SaslAuthenticate, protocol::SaslAuthenticateRequest{std::move(token)}, timeout);
    if (r.error_code != 0) {
      throw SaslError("SASL authentication with Kafka broker " + broker + " failed: " +
                      (r.error_message && !r.error_message->empty() ? *r.error_message
                                                                    : protocol::error_text(r.error_code)));
    }
    return r.auth_bytes;
  };
  if (sasl.mechanism == protocol::SaslMechanism::Plain) {
    exchange(protocol::plain_auth_message(sasl.username, sasl.password));
    return;
  }
  const auto hash = sasl.mechanism == protocol::SaslMechanism::ScramSha512 ? protocol::ScramHash::Sha512
                                                                           : protocol::ScramHash::Sha256;
  protocol::ScramClient scram(hash, sasl.username, sasl.password);
  const Bytes server_first = exchange(bytes_of(scram.client_first_message()));
  const std::string client_final = scram.client_final_message(text_of(server_first));
  const Bytes server_final = exchange(bytes_of(client_final));
  scram.verify_server_final(text_of(server_final));
}

}  // namespace

BrokerConnection::BrokerConnection(boost::asio::io_context& io, ConnectionSettings settings)
    : impl_(std::make_shared<Impl>(io, std::move(settings))) {}

BrokerConnection::~BrokerConnection() {
  close();
}

void BrokerConnection::close() {
  // Posted even when already marked closed: the io thread may have marked it without closing the socket yet.
  impl_->close_async("Connection to Kafka broker " + impl_->address.to_string() + " was closed");
}

bool BrokerConnection::is_open() const {
  return impl_->opened && !impl_->closed;
}

const BrokerAddress& BrokerConnection::address() const {
  return impl_->address;
}

void BrokerConnection::open(const BrokerAddress& address, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  auto remaining = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  };
  impl_->address = address;
  auto done = std::make_shared<std::promise<void>>();
  auto connected = done->get_future();
  asio::post(impl_->io, [impl = impl_, done] { impl->start_connect(done); });
  if (connected.wait_until(deadline) != std::future_status::ready) {
    const std::string message = "Timed out after " + std::to_string(timeout.count()) +
                                " ms connecting to Kafka broker " + address.to_string();
    impl_->close_async(message);
    throw BrokerConnectionError(message);
  }
  connected.get();

  // ApiVersions: start from our newest version; a broker that does not know it answers UNSUPPORTED_VERSION,
  // normally with a v0 body naming the versions it does know (Kafka 2.4+, KIP-511). Brokers whose answer to
  // an unknown version cannot be read that way are asked again one version lower.
  std::int16_t version = protocol::client_versions(ApiKey::ApiVersions).max;
  for (;;) {
    protocol::ApiVersionsRequest request{impl_->settings.software_name, impl_->settings.software_version};
    const Bytes body = call(ApiKey::ApiVersions, version, request.encode(version), remaining());
    std::optional<protocol::ApiVersionsResponse> response;
    try {
      response = protocol::ApiVersionsResponse::decode(body, version);
    } catch (const protocol::DecodeError&) {
    }
    if (response && response->error_code == 0) {
      std::lock_guard lock(impl_->versions_mu);
      impl_->versions = std::move(response->api_keys);
      impl_->api_versions_version = version;
      break;
    }
    if (response && response->error_code != protocol::ErrorCode::UnsupportedVersion) {
      close();
      throw BrokerConnectionError("ApiVersions request to Kafka broker " + address.to_string() +
                                  " failed: " + protocol::error_text(response->error_code));
    }
    std::int16_t next = static_cast<std::int16_t>(version - 1);
    try {
      const auto v0 = protocol::ApiVersionsResponse::decode(body, 0);
      const auto it = v0.api_keys.find(static_cast<std::int16_t>(ApiKey::ApiVersions));
      if (it != v0.api_keys.end() && it->second.max < version) next = it->second.max;
    } catch (const protocol::DecodeError&) {
    }
    if (next < 0) {
      close();
      throw UnsupportedVersionError("Kafka broker " + address.to_string() +
                                    " answers no ApiVersions version");
    }
    version = next;
  }

  if (impl_->settings.sasl) {
    try {
      authenticate(*this, *impl_->settings.sasl, remaining());
    } catch (...) {
      close();
      throw;
    }
  }
  impl_->opened = true;
}

std::int16_t BrokerConnection::version_for(ApiKey api) const {
  const protocol::VersionRange ours = protocol::client_versions(api);
  std::lock_guard lock(impl_->versions_mu);
  const auto it = impl_->versions.find(static_cast<std::int16_t>(api));
  if (it == impl_->versions.end()) {
    throw UnsupportedVersionError("The Kafka broker " + impl_->address.to_string() + " does not support " +
                                  protocol::api_name(api));
  }
  const std::int16_t low = std::max(ours.min, it->second.min);
  const std::int16_t high = std::min(ours.max, it->second.max);
  if (low > high) {
    throw UnsupportedVersionError("The Kafka broker " + impl_->address.to_string() + " supports " +
                                  protocol::api_name(api) + " versions " + std::to_string(it->second.min) +
                                  "-" + std::to_string(it->second.max) + " but sluice needs " +
                                  std::to_string(ours.min) + "-" + std::to_string(ours.max));
  }
  return high;
}

std::int16_t BrokerConnection::api_versions_version() const {
  return impl_->api_versions_version;
}

std::map<std::int16_t, protocol::VersionRange> BrokerConnection::broker_versions() const {
  std::lock_guard lock(impl_->versions_mu);
  return impl_->versions;
}

Bytes BrokerConnection::call(ApiKey api, std::int16_t version, const Bytes& body,
                             std::chrono::milliseconds timeout) {
  if (impl_->closed) {
    throw BrokerConnectionError("Connection to Kafka broker " + impl_->address.to_string() + " is closed");
  }
  const std::int32_t correlation = impl_->next_correlation++;
  protocol::Writer w;
  w.int32(0);  // size, patched below
  protocol::RequestHeader{api, version, correlation, impl_->settings.client_id}.encode(w);
  w.raw(body);
  Bytes frame = w.take();
  const auto size = static_cast<std::uint32_t>(frame.size() - 4);
  for (int i = 0; i < 4; ++i)
    frame[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(size >> (24 - 8 * i));

  auto promise = std::make_shared<std::promise<Bytes>>();
  auto result = promise->get_future();
  asio::post(impl_->io, [impl = impl_, frame = std::make_shared<const Bytes>(std::move(frame)), correlation,
                         api, version, promise]() mutable {
    impl->enqueue(std::move(frame), correlation, Impl::Pending{api, version, promise});
  });
  if (result.wait_for(timeout) != std::future_status::ready) {
    const std::string message = "Timed out after " + std::to_string(timeout.count()) +
                                " ms waiting for the " + protocol::api_name(api) +
                                " response from Kafka broker " + impl_->address.to_string();
    impl_->close_async(message);
    throw BrokerConnectionError(message);
  }
  return result.get();
}

}  // namespace sluice::kafka
