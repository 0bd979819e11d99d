#include "core/kafka/protocol/sasl.hpp"

#include <gtest/gtest.h>

namespace sluice::kafka::protocol {
namespace {

// RFC 7677 section 3.
TEST(Scram, Sha256MatchesRfc7677) {
  ScramClient client(ScramHash::Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(client.client_first_message(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  const std::string final_message = client.client_final_message(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  EXPECT_EQ(final_message,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+"
            "Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  EXPECT_NO_THROW(client.verify_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

// RFC 5802 section 5 (SHA-1: not a Kafka mechanism, but the RFC's own vector checks the algorithm).
TEST(Scram, Sha1MatchesRfc5802) {
  ScramClient client(ScramHash::Sha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(client.client_first_message(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(
      client.client_final_message("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"),
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  EXPECT_NO_THROW(client.verify_server_final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
}

// No RFC vector exists for SHA-512; these values were computed independently with Python's hashlib
// (pbkdf2_hmac and hmac) from RFC 7677's inputs.
TEST(Scram, Sha512WithRfc7677Inputs) {
  ScramClient client(ScramHash::Sha512, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(client.client_final_message(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=gMGXRcevScNtxZ6/"
            "8lQYpGtnsNAc3mGcmNomv+xnoOMw+3R2xNJdMNnzMlTN8PPC6wdp6dybEmDYXYTxwnYPJQ==");
  EXPECT_NO_THROW(client.verify_server_final(
      "v=ZQnYEgWQMFmmsM8aQMF0nDDCy/AgCzkwk8CmMZYcMg0vSVlKDanekLtifDSeVGT4+5ZxXnJq199RVG2rR7N7Zw=="));
}

TEST(Scram, WrongServerSignatureIsRejected) {
  ScramClient client(ScramHash::Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  client.client_final_message(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  try {
    client.verify_server_final("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    FAIL() << "expected SaslError";
  } catch (const SaslError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid SCRAM-SHA-256 server signature: the broker did not prove it knows the password");
  }
  try {
    client.verify_server_final("e=invalid-proof");
    FAIL() << "expected SaslError";
  } catch (const SaslError& e) {
    EXPECT_STREQ(e.what(), "SCRAM-SHA-256 authentication failed: the broker answered invalid-proof");
  }
}

TEST(Scram, ServerFirstMessageIsChecked) {
  ScramClient client(ScramHash::Sha256, "user", "pencil", "abc");
  try {
    client.client_final_message("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    FAIL() << "expected SaslError";
  } catch (const SaslError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid SCRAM-SHA-256 server nonce from the broker: it does not extend the client nonce");
  }
  try {
    client.client_final_message("r=abc123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1024");
    FAIL() << "expected SaslError";
  } catch (const SaslError& e) {
    EXPECT_STREQ(e.what(), "Requested iterations 1024 is less than minimum 4096 for SCRAM-SHA-256");
  }
}

TEST(Scram, UserNamesAreEscaped) {
  ScramClient client(ScramHash::Sha512, "a,b=c", "p", "n0nce");
  EXPECT_EQ(client.client_first_message(), "n,,n=a=2Cb=3Dc,r=n0nce");
}

TEST(Scram, GeneratedNoncesAreLongAndDiffer) {
  ScramClient a(ScramHash::Sha256, "u", "p");
  ScramClient b(ScramHash::Sha256, "u", "p");
  EXPECT_NE(a.client_first_message(), b.client_first_message());
  EXPECT_EQ(a.client_first_message().size(), std::string("n,,n=u,r=").size() + 32);
}

TEST(Sasl, PlainMessageAndMechanismNames) {
  EXPECT_EQ(plain_auth_message("alice", "secret"),
            (Bytes{0, 'a', 'l', 'i', 'c', 'e', 0, 's', 'e', 'c', 'r', 'e', 't'}));
  EXPECT_EQ(parse_sasl_mechanism("SCRAM-SHA-512"), SaslMechanism::ScramSha512);
  EXPECT_EQ(parse_sasl_mechanism("GSSAPI"), std::nullopt);
  EXPECT_STREQ(sasl_mechanism_name(SaslMechanism::Plain), "PLAIN");
}

TEST(Sasl, Base64) {
  EXPECT_EQ(base64_encode("pencil"), "cGVuY2ls");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_decode("YWI="), std::optional<std::string>("ab"));
  EXPECT_EQ(base64_decode("YQ=="), std::optional<std::string>("a"));
  EXPECT_EQ(base64_decode("abc"), std::nullopt);
}

}  // namespace
}  // namespace sluice::kafka::protocol
