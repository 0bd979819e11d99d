#include "core/kafka/tests/fake_broker.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>  // before Asio (Boost 1.74 needs std::exchange)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "core/kafka/protocol/sasl.hpp"

namespace sluice::kafka::test {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using protocol::ApiKey;
using protocol::Bytes;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// SCRAM server computations, written against RFC 5802 independently of protocol::ScramClient.
std::string hmac(const char* digest, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), out.size(), &len);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string digest_of(const char* digest, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_get_digestbyname(digest), nullptr);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string attribute(std::string_view message, char name) {
  std::size_t start = 0;
  while (start < message.size()) {
    std::size_t comma = message.find(',', start);
    if (comma == std::string_view::npos) comma = message.size();
    const auto item = message.substr(start, comma - start);
    if (item.size() >= 2 && item[0] == name && item[1] == '=') return std::string(item.substr(2));
    start = comma + 1;
  }
  return {};
}

}  // namespace

TestCertificate make_self_signed_certificate(const std::string& common_name,
                                             const std::string& subject_alt_names) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  auto add_ext = [&](int nid, const char* value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  };
  add_ext(NID_basic_constraints, "critical,CA:TRUE");
  if (!subject_alt_names.empty()) add_ext(NID_subject_alt_name, subject_alt_names.c_str());
  X509_sign(cert, key, EVP_sha256());
  BIO* cert_bio = BIO_new(BIO_s_mem());
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, cert);
  PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  TestCertificate out{bio_text(cert_bio), bio_text(key_bio)};
  BIO_free(cert_bio);
  BIO_free(key_bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

struct FakeBroker::Impl {
  explicit Impl(Options o) : options(std::move(o)), tls_ctx(ssl::context::tls_server), acceptor(io) {
    if (options.tls) {
      tls_ctx.use_certificate_chain(asio::buffer(options.tls->cert_pem));
      tls_ctx.use_private_key(asio::buffer(options.tls->key_pem), ssl::context::pem);
    }
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
  }

  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl* b, tcp::socket s) : broker(b) {
      if (broker->options.tls) {
        tls.emplace(std::move(s), broker->tls_ctx);
      } else {
        plain.emplace(std::move(s));
      }
    }
    Impl* broker;  // outlives the session: the broker's io_context owns the handlers that own sessions
    std::optional<tcp::socket> plain;
    std::optional<ssl::stream<tcp::socket>> tls;
    std::array<std::uint8_t, 4> size{};
    Bytes body;
    bool authenticated = false;
    std::string scram_first_bare;
    std::string scram_nonce;
    std::string scram_salt = "0123456789abcdef";

    template <typename F>
    void with_stream(F&& f) {
      if (tls) {
        f(*tls);
      } else {
        f(*plain);
      }
    }

    void start() {
      auto self = shared_from_this();
      if (tls) {
        tls->async_handshake(ssl::stream_base::server, [self](const boost::system::error_code& ec) {
          if (!ec) self->read();
        });
      } else {
        read();
      }
    }

    void read() {
      auto self = shared_from_this();
      with_stream([&](auto& s) {
        asio::async_read(s, asio::buffer(size), [self](const boost::system::error_code& ec, std::size_t) {
          if (ec) return;
          protocol::Reader r(self->size);
          self->body.resize(static_cast<std::size_t>(r.int32()));
          self->with_stream([&](auto& s2) {
            asio::async_read(s2, asio::buffer(self->body),
                             [self](const boost::system::error_code& ec2, std::size_t) {
                               if (ec2) return;
                               self->handle();
                             });
          });
        });
      });
    }

    void handle() {
      protocol::Reader r(body);
      const auto header = protocol::RequestHeader::decode(r);
      const auto rest = r.rest();
      const Bytes request(rest.begin(), rest.end());
      broker->log(std::string(protocol::api_name(header.api)) + " v" + std::to_string(header.api_version));
      const bool sasl_api = header.api == ApiKey::ApiVersions || header.api == ApiKey::SaslHandshake ||
                            header.api == ApiKey::SaslAuthenticate;
      if (broker->options.sasl && !authenticated && !sasl_api)
        return close();  // Kafka drops such connections
      std::int16_t header_version = protocol::response_header_version(header.api, header.api_version);
      Bytes response = dispatch(header.api, header.api_version, request);
      protocol::Writer w;
      w.int32(0);
      protocol::ResponseHeader{header.correlation_id}.encode(w, header_version);
      w.raw(response);
      auto frame = std::make_shared<Bytes>(w.take());
      const auto n = static_cast<std::uint32_t>(frame->size() - 4);
      for (int i = 0; i < 4; ++i)
        (*frame)[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (24 - 8 * i));
      auto self = shared_from_this();
      with_stream([&](auto& s) {
        asio::async_write(s, asio::buffer(*frame),
                          [self, frame](const boost::system::error_code& ec, std::size_t) {
                            if (!ec) self->read();
                          });
      });
    }

    void close() {
      boost::system::error_code ignored;
      if (tls) tls->lowest_layer().close(ignored);
      if (plain) plain->close(ignored);
    }

    Bytes dispatch(ApiKey api, std::int16_t v, const Bytes& request) {
      switch (api) {
        case ApiKey::ApiVersions: {
          protocol::ApiVersionsResponse resp;
          if (v > broker->options.max_api_versions_version) {
            // What Kafka answers to an unknown ApiVersions version: a v0 body with its own range (KIP-511).
            resp.error_code = 35;
            resp.api_keys[18] = {0, broker->options.max_api_versions_version};
            return resp.encode(0);
          }
          for (ApiKey k : {ApiKey::FindCoordinator, ApiKey::JoinGroup, ApiKey::Heartbeat, ApiKey::LeaveGroup,
                           ApiKey::SyncGroup, ApiKey::SaslHandshake, ApiKey::SaslAuthenticate}) {
            auto it = broker->options.versions.find(k);
            resp.api_keys[static_cast<std::int16_t>(k)] =
                it != broker->options.versions.end() ? it->second : protocol::client_versions(k);
          }
          resp.api_keys[18] = {0, broker->options.max_api_versions_version};
          resp.api_keys[19] = {0, 7};  // CreateTopics: a real broker, not librdkafka's mock
          return resp.encode(v);
        }
        case ApiKey::SaslHandshake: {
          const auto req = protocol::SaslHandshakeRequest::decode(request, v);
          protocol::SaslHandshakeResponse resp;
          const std::string offered =
              broker->options.sasl ? protocol::sasl_mechanism_name(broker->options.sasl->mechanism) : "";
          resp.mechanisms = {offered};
          if (req.mechanism != offered) resp.error_code = 33;
          return resp.encode(v);
        }
        case ApiKey::SaslAuthenticate:
          return authenticate(protocol::SaslAuthenticateRequest::decode(request, v)).encode(v);
        case ApiKey::FindCoordinator: {
          protocol::FindCoordinatorResponse resp;
          resp.key = protocol::FindCoordinatorRequest::decode(request, v).key;
          resp.node_id = 1;
          resp.host = "127.0.0.1";
          resp.port = broker->port;
          return resp.encode(v);
        }
        case ApiKey::JoinGroup: {
          const auto req = protocol::JoinGroupRequest::decode(request, v);
          protocol::JoinGroupResponse resp;
          if (req.member_id.empty() && v >= 4) {
            resp.error_code = 79;  // MEMBER_ID_REQUIRED (KIP-394)
            resp.member_id = "fake-member-1";
            return resp.encode(v);
          }
          std::lock_guard lock(broker->mu);
          resp.generation_id = ++broker->generation;
          resp.protocol_type = req.protocol_type;
          resp.protocol_name = req.protocols.empty() ? std::string() : req.protocols[0].name;
          resp.leader = req.member_id;
          resp.member_id = req.member_id;
          resp.members.push_back(
              {req.member_id, std::nullopt, req.protocols.empty() ? Bytes{} : req.protocols[0].metadata});
          broker->protocol = *resp.protocol_name;
          return resp.encode(v);
        }
        case ApiKey::SyncGroup: {
          const auto req = protocol::SyncGroupRequest::decode(request, v);
          protocol::SyncGroupResponse resp;
          std::lock_guard lock(broker->mu);
          for (const auto& a : req.assignments) {
            if (a.member_id == req.member_id) resp.assignment = a.assignment;
          }
          resp.protocol_type = req.protocol_type;
          resp.protocol_name = broker->protocol;
          if (req.generation_id != broker->generation) resp.error_code = 22;
          return resp.encode(v);
        }
        case ApiKey::Heartbeat: {
          const auto req = protocol::HeartbeatRequest::decode(request, v);
          protocol::HeartbeatResponse resp;
          std::lock_guard lock(broker->mu);
          if (req.generation_id != broker->generation) resp.error_code = 22;
          return resp.encode(v);
        }
        case ApiKey::LeaveGroup: {
          protocol::LeaveGroupRequest::decode(request, v);
          return protocol::LeaveGroupResponse{}.encode(v);
        }
      }
      return {};
    }

    protocol::SaslAuthenticateResponse authenticate(const protocol::SaslAuthenticateRequest& req) {
      protocol::SaslAuthenticateResponse resp;
      const SaslSettings& account = *broker->options.sasl;
      const std::string message(req.auth_bytes.begin(), req.auth_bytes.end());
      if (account.mechanism == protocol::SaslMechanism::Plain) {
        const std::string expected = std::string(1, '\0') + account.username + '\0' + account.password;
        if (message != expected) {
          resp.error_code = 58;
          resp.error_message = "Authentication failed: Invalid username or password";
          return resp;
        }
        succeed(account.username);
        return resp;
      }
      const char* digest = account.mechanism == protocol::SaslMechanism::ScramSha512 ? "SHA512" : "SHA256";
      if (scram_first_bare.empty()) {
        scram_first_bare = message.substr(3);  // after "n,,"
        scram_nonce = attribute(scram_first_bare, 'r') + "servernonce";
        const std::string server_first =
            "r=" + scram_nonce + ",s=" + protocol::base64_encode(scram_salt) + ",i=4096";
        scram_server_first = server_first;
        resp.auth_bytes.assign(server_first.begin(), server_first.end());
        return resp;
      }
      const std::string without_proof = message.substr(0, message.find(",p="));
      const std::string auth_message = scram_first_bare + "," + scram_server_first + "," + without_proof;
      std::string salted(static_cast<std::size_t>(EVP_MD_get_size(EVP_get_digestbyname(digest))), '\0');
      PKCS5_PBKDF2_HMAC(account.password.data(), static_cast<int>(account.password.size()),
                        reinterpret_cast<const unsigned char*>(scram_salt.data()),
                        static_cast<int>(scram_salt.size()), 4096, EVP_get_digestbyname(digest),
                        static_cast<int>(salted.size()), reinterpret_cast<unsigned char*>(salted.data()));
      const std::string stored_key = digest_of(digest, hmac(digest, salted, "Client Key"));
      const std::string signature = hmac(digest, stored_key, auth_message);
      const auto proof = protocol::base64_decode(attribute(message, 'p')).value_or("");
      std::string client_key(proof.size(), '\0');
      for (std::size_t i = 0; i < proof.size() && i < signature.size(); ++i)
        client_key[i] = static_cast<char>(proof[i] ^ signature[i]);
      const bool user_ok = attribute(scram_first_bare, 'n') == account.username;
      if (!user_ok || digest_of(digest, client_key) != stored_key || attribute(message, 'r') != scram_nonce) {
        resp.error_code = 58;
        resp.error_message =
            std::string(
                "Authentication failed during authentication due to invalid credentials with "
                "SASL mechanism ") +
            protocol::sasl_mechanism_name(account.mechanism);
        return resp;
      }
      const std::string server_final =
          "v=" + protocol::base64_encode(hmac(digest, hmac(digest, salted, "Server Key"), auth_message));
      resp.auth_bytes.assign(server_final.begin(), server_final.end());
      succeed(account.username);
      return resp;
    }

    void succeed(const std::string& user) {
      authenticated = true;
      std::lock_guard lock(broker->mu);
      broker->user = user;
    }

    std::string scram_server_first;
  };

  void accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(this, std::move(socket))->start();
      accept();
    });
  }

  void log(const std::string& line) {
    std::lock_guard lock(mu);
    seen.push_back(line);
  }

  // Destroyed in reverse order: the acceptor, then the io_context (and with it the sessions), then the TLS
  // context.
  Options options;
  ssl::context tls_ctx;
  asio::io_context io;
  tcp::acceptor acceptor;
  int port = 0;
  std::thread thread;
  mutable std::mutex mu;
  std::vector<std::string> seen;
  std::optional<std::string> user;
  std::int32_t generation = 0;
  std::string protocol;
};

FakeBroker::FakeBroker(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

FakeBroker::~FakeBroker() {
  impl_->io.stop();
  impl_->thread.join();
}

int FakeBroker::port() const {
  return impl_->port;
}

std::vector<std::string> FakeBroker::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->seen;
}

std::optional<std::string> FakeBroker::authenticated_user() const {
  std::lock_guard lock(impl_->mu);
  return impl_->user;
}

}  // namespace sluice::kafka::test
