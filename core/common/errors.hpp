#pragma once
// Kafka Connect's exception taxonomy. Every error a user can see is one of these; the REST error mapper
// (rest-api/error_mapper) is the only place that turns them into HTTP statuses.

#include <stdexcept>
#include <string>

namespace sluice {

// org.apache.kafka.connect.errors.ConnectException: an operation failed.
class ConnectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // The Java class name a Kafka Connect user would see for this kind of error (statuses, DLQ headers).
  virtual const char* java_class() const noexcept { return "org.apache.kafka.connect.errors.ConnectException"; }
  // Stack-trace text that came with the error from elsewhere (a plugin's own trace), empty when none.
  // FAILED statuses and DLQ headers include it.
  virtual const std::string& origin_trace() const noexcept {
    static const std::string kNone;
    return kNone;
  }
};

// org.apache.kafka.connect.errors.RetriableException: the same operation may succeed if retried.
class RetriableError : public ConnectError {
 public:
  using ConnectError::ConnectError;
  const char* java_class() const noexcept override { return "org.apache.kafka.connect.errors.RetriableException"; }
};

// org.apache.kafka.connect.errors.DataException: a value does not fit its schema or cannot be (de)serialised.
class DataError : public ConnectError {
 public:
  using ConnectError::ConnectError;
  const char* java_class() const noexcept override { return "org.apache.kafka.connect.errors.DataException"; }
};

// org.apache.kafka.common.config.ConfigException: a configuration value is missing or invalid.
class ConfigError : public ConnectError {
 public:
  using ConnectError::ConnectError;
  const char* java_class() const noexcept override { return "org.apache.kafka.common.config.ConfigException"; }
};

// org.apache.kafka.connect.errors.NotFoundException -> HTTP 404.
class NotFoundError : public ConnectError {
 public:
  using ConnectError::ConnectError;
  const char* java_class() const noexcept override { return "org.apache.kafka.connect.errors.NotFoundException"; }
};

// org.apache.kafka.connect.errors.AlreadyExistsException -> HTTP 409.
class AlreadyExistsError : public ConnectError {
 public:
  using ConnectError::ConnectError;
  const char* java_class() const noexcept override {
    return "org.apache.kafka.connect.errors.AlreadyExistsException";
  }
};

// org.apache.kafka.connect.runtime.rest.errors.BadRequestException -> HTTP 400.
class BadRequestError : public ConnectError {
 public:
  using ConnectError::ConnectError;
  const char* java_class() const noexcept override {
    return "org.apache.kafka.connect.runtime.rest.errors.BadRequestException";
  }
};

}  // namespace sluice
