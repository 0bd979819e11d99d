#pragma once
// The one place where exceptions become HTTP statuses (Kafka's ConnectExceptionMapper), with Kafka's
// error body {"error_code":<status>,"message":"..."}:
//   herder::RestError            -> its status (Kafka's ConnectRestException)
//   NotFoundError                -> 404
//   AlreadyExistsError           -> 409
//   herder::ConflictError        -> 409
//   BadRequestError              -> 400
//   anything else                -> 500 with the exception's message; this includes a bare ConfigError
//                                   (Kafka: a ConfigException that reaches the mapper is a 500; invalid
//                                   connector configs arrive as BadRequestError from the herder).

#include <exception>
#include <optional>
#include <string>

namespace sluice::rest {

struct ErrorResponse {
  int status = 500;
  std::string body;  // Kafka's ErrorMessage JSON
};

// Maps the exception held by `error`; call it from a catch block with std::current_exception().
ErrorResponse map_exception(const std::exception_ptr& error);

// {"error_code":<status>,"message":<message or null>}
std::string error_body(int status, const std::optional<std::string>& message);

// Jersey's texts for routing errors: "HTTP 404 Not Found", "HTTP 405 Method Not Allowed", ...
std::string routing_error_message(int status);

}  // namespace sluice::rest
